/**
 * React bindings for `@mcp-oauth/core`: a provider, `useMcpAuth()` and `useMcpServers()` on
 * TanStack Query, and the `AuthorizeStep` / `ServerCard` components over the custom elements.
 * @module
 */
export { McpAuthProvider, type McpAuthProviderProps, type McpHookOptions } from './context.js'
export {
  AuthorizeStep,
  type AuthorizeStepProps,
  type McpElementProps,
  type McpStringOverrides,
  ServerCard,
  type ServerCardProps,
} from './elements.js'
export type { McpServerActions, UseMcpAuthOptions, UseMcpAuthResult } from './types.js'
export { useMcpAuth } from './useMcpAuth.js'
export { type McpServerEntry, useMcpServers } from './useMcpServers.js'
