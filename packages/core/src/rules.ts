/**
 * The rules a UI over the core decides by, so that every binding (the React hooks, the custom
 * elements, an app's own) decides alike and none keeps a copy: which URLs the kit accepts,
 * what becoming authorized means, and what a UI has for a URL before (or instead of) a
 * handle. A separate entry, light at run time, so a binding that imports a rule does not pull
 * the rest of the core in with it.
 *
 * ```ts
 * import { authorizationChange, isSecureUrl } from '@mcp-oauth/core/rules'
 *
 * if (isSecureUrl(typed)) server = auth.server(typed)
 * let previous: McpServerSnapshot | undefined
 * server.subscribe((snapshot) => {
 *   if (authorizationChange(previous, snapshot) === 'authorized') toast('Connected')
 *   previous = snapshot
 * })
 * ```
 * @module
 */

export { authorizationChange } from './handle/authorization-change.js'
export { type ResolvedServer, resolveServer } from './handle/resolve-server.js'
export { initialSnapshot } from './handle/snapshot.js'
export { isSecureUrl } from './http/urls.js'
