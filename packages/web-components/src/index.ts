/**
 * `<mcp-authorize>` and `<mcp-server-card>`: framework-free custom elements over
 * `@mcp-oauth/core`. Importing this module defines nothing; call `defineMcpElements()` or
 * import `@mcp-oauth/web-components/define`.
 * @module
 */
import type { McpServerSnapshot } from '@mcp-oauth/core'
import { McpAuthorizeElement } from './mcp-authorize/mcp-authorize.js'
import { McpServerCardElement } from './mcp-server-card/mcp-server-card.js'
import type { McpErrorDetail } from './server-element/server-controller.js'

export type { RevocationOutcome, RevocationReport } from '@mcp-oauth/core'
export { setDefaultMcpAuth } from './host/page-default.js'
export { McpElement } from './server-element/mcp-element.js'
export { type McpErrorDetail, PROBE_DEBOUNCE_MS } from './server-element/server-controller.js'
export {
  DEFAULT_STRINGS,
  type McpStringOverrides,
  type McpStrings,
} from './server-element/strings.js'
export { McpAuthorizeElement, McpServerCardElement }

/**
 * Registers both elements under their tag names, once (a second call is a no-op). Without a
 * registry (server-side rendering) it does nothing.
 */
export function defineMcpElements(registry?: CustomElementRegistry): void {
  registry ??= typeof customElements === 'undefined' ? undefined : customElements
  if (!registry) return
  if (!registry.get('mcp-authorize')) registry.define('mcp-authorize', McpAuthorizeElement)
  if (!registry.get('mcp-server-card')) registry.define('mcp-server-card', McpServerCardElement)
}

declare global {
  interface HTMLElementTagNameMap {
    'mcp-authorize': McpAuthorizeElement
    'mcp-server-card': McpServerCardElement
  }
  interface GlobalEventHandlersEventMap {
    'mcp-status-change': CustomEvent<McpServerSnapshot>
    'mcp-authorized': CustomEvent<McpServerSnapshot>
    'mcp-restored': CustomEvent<McpServerSnapshot>
    'mcp-error': CustomEvent<McpErrorDetail>
    'mcp-authorize-request': CustomEvent<McpServerSnapshot>
  }
}
