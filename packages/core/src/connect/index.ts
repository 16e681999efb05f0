/**
 * What connecting a server takes, and what a server with stored tokens never needs: discovery
 * (RFC 9728, RFC 8414), choosing a client (RFC 7591, client ID metadata documents) and the
 * authorization code flow with PKCE (OAuth 2.1 §4.1) up to its callback. A chunk of its own,
 * loaded through `loadConnect()` the first time a server has no tokens. Loaded when needed, in
 * chunks of their own (`load.ts`): the probe, a dynamic registration, finishing a callback
 * (`exchange-callback.ts`), a full-page redirect's return (`finish-redirect.ts`), refresh and
 * revocation; `server.fetch` is in the main chunk.
 */
export { ClientIdentity } from './client-identity.js'
export { flowFailure, statusAfterFailure } from './flow-outcome.js'
export { rediscoverIssuer } from './issuer-record.js'
export { runAuthorization } from './run-authorization.js'
export { runDiscovery } from './run-discovery.js'
