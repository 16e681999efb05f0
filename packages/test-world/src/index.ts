// The shared test world: one mock MCP server with its authorization server (msw handlers), a
// headless driver, and their request logs; a DPoP-checking variant; and msw helpers.
export {
  browserPage,
  type CorsPolicy,
  fakeRelay,
  type PageRequest,
  type RelayedRequest,
} from './browser.js'
export {
  type DpopWorldOptions,
  dpopWorld,
  readProof,
  type SeenProof,
  sha256,
} from './dpop-world.js'
export { deferred, recordingFetch, useMockServer } from './msw.js'
export { createWorld, type LoggedRequest, type World, type WorldOptions } from './world.js'
