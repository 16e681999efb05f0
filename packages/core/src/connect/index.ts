/**
 * What connecting a server takes, and what a server with stored tokens never needs: discovery
 * (RFC 9728, RFC 8414), client registration (RFC 7591, client ID metadata documents) and the
 * authorization code flow with PKCE (OAuth 2.1 §4.1). A chunk of its own, loaded through
 * `loadConnect()` the first time a server has no tokens; refresh and `server.fetch` stay in the
 * main chunk, revocation loads with a disconnect, and a page coming back from a full-page
 * redirect loads `finish-redirect.ts` alongside.
 */
export { exchangeCallback } from './authorization-flow.js'
export { ClientIdentity } from './client-identity.js'
export { rediscoverIssuer } from './issuer-record.js'
export { runAuthorization } from './run-authorization.js'
export { runDiscovery } from './run-discovery.js'
