import type { PreRegisteredClient } from './client.js'
import type { DpopMode } from './dpop.js'
import type { AuthorizationDriver } from './driver.js'
import type { RelayOption } from './routes.js'
import type { TokenStorage } from './storage.js'

export interface McpAuthOptions {
  /** Absolute redirect URI, e.g. `${location.origin}/oauth/callback`. */
  redirectUri: string
  /** Metadata sent in dynamic registration; `metadataUrl` enables client ID metadata documents. */
  client?: {
    name?: string
    uri?: string
    /** An https URL with a path, serving this client's metadata document (draft-ietf-oauth-client-id-metadata-document). */
    metadataUrl?: string
    logoUri?: string
  }
  /** Credentials by exact issuer identifier. */
  preRegistered?: Readonly<Record<string, PreRegisteredClient>>
  /**
   * Token and client storage. Defaults to IndexedDB, falling back to memory only when it
   * cannot be opened at all.
   */
  storage?: TokenStorage
  /**
   * Fetch used for every request (a test double, an instrumented fetch). For servers a browser
   * cannot reach (no CORS), use `relay` instead: it keeps the kit's rules about where tokens go.
   */
  fetch?: typeof fetch
  /** Turns an authorization URL into a callback URL. Defaults to the browser popup/redirect. */
  driver?: AuthorizationDriver
  /** Refresh this many seconds before expiry. Default 60. */
  refreshSkewSeconds?: number
  /** `MCP-Protocol-Version` sent on the probe. Default `2025-11-25`. */
  protocolVersion?: string
  /**
   * Maximum authorization attempts per resource and operation on `insufficient_scope`, counting
   * the authorization whose token was refused. Default 3.
   */
  maxStepUpAttempts?: number
  /**
   * For servers on the 2025-03-26 revision that publish no protected resource metadata and no
   * authorization server metadata: use `/authorize`, `/token` and `/register` at the server's
   * origin. Off by default, because a server that takes only a static token looks the same.
   */
  legacyEndpointFallback?: boolean
  /**
   * Sender-constrained tokens (RFC 9449 DPoP, MCP extension SEP-1932). `'auto'` (default) binds
   * tokens to a non-extractable key of this browser when the authorization server lists ES256
   * in `dpop_signing_alg_values_supported`; `'required'` refuses servers that cannot
   * (`dpop_unsupported`); `'off'` asks for bearer tokens only. The DPoP code loads on first use.
   */
  dpop?: DpopMode
  /**
   * The app's relay (`createMcpRelay()` from `@mcp-oauth/core/relay`, mounted at e.g.
   * `/mcp-relay`), for the servers a browser cannot reach by itself: no CORS, a preflight that
   * refuses a header, a confidential client whose secret only the relay holds. A host goes
   * through it when listed in `hosts`, or once a harmless request to it (a metadata GET, the
   * probe, a route check) was refused by CORS; a request that may already have been processed
   * is never sent again. Bearer rules are unchanged: a token goes only to its resource.
   */
  relay?: RelayOption
}
