/**
 * React bindings for `@mcp-oauth/core`: a provider, `useMcpAuth()` and `useMcpServers()` on
 * TanStack Query, and the `AuthorizeStep` / `ServerCard` components.
 * @module
 */
export { McpAuthProvider } from './context.js'
export { AuthorizeStep, type McpElementProps, ServerCard } from './elements.js'
export { type UseMcpAuthOptions, type UseMcpAuthResult, useMcpAuth } from './useMcpAuth.js'
export { type McpServerEntry, useMcpServers } from './useMcpServers.js'
