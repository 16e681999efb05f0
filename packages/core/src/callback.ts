/**
 * The callback page entry: `import { handleCallback } from '@mcp-oauth/core/callback'`.
 * Tiny on purpose; it never imports the protocol code.
 * @module
 */
export {
  type CallbackResult,
  type HandleCallbackOptions,
  handleCallback,
} from './browser/callback-page.js'
