/**
 * What connecting a server takes, and what a server with stored tokens never needs: discovery
 * (RFC 9728, RFC 8414), client registration (RFC 7591, client ID metadata documents) and the
 * authorization code flow with PKCE (OAuth 2.1 §4.1). A chunk of its own, loaded through
 * `loadConnect()` the first time a server has no tokens; refresh, `server.fetch` and revocation
 * stay in the main chunk.
 */
export { exchangeCallback } from './authorization-flow.js'
export { ClientIdentity } from './client-identity.js'
export { clientArrived, submitClientId, submitToken } from './credentials.js'
export { finishRedirect } from './finish-redirect.js'
export { runAuthorization } from './run-authorization.js'
export { runDiscovery } from './run-discovery.js'
