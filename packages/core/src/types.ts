import type { DpopMode, TokenType } from './dpop/policy.js'
import type { McpAuthError } from './errors.js'
import type { TokenStorage } from './storage/types.js'

/** Client authentication at the token endpoint (RFC 6749 §2.3, OAuth 2.1 §2.4). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

/** Credentials an app registered ahead of time with one authorization server. */
export interface PreRegisteredClient {
  clientId: string
  clientSecret?: string
  /** Defaults to what the AS advertises: `client_secret_basic` when a secret is given, else `none`. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod
}

/** How the client identity for an issuer was obtained. */
export type RegistrationKind = 'pre-registered' | 'metadata-document' | 'dynamic' | 'manual'

/** Where the server stands. Every value is distinct and documented in the README. */
export type McpServerStatus =
  /** Nothing known yet; `probe()` has not run. */
  | 'unknown'
  /** An unauthenticated request and discovery are under way. */
  | 'probing'
  /** The server answered without asking for authorization. */
  | 'open'
  /** OAuth is required and a client identity is available: call `authorize()` in a click. */
  | 'needs-authorization'
  /** OAuth is required but no client identity could be obtained: ask the user for a client ID. */
  | 'needs-client-id'
  /** The server wants a bearer token but publishes no OAuth metadata: ask for a static token. */
  | 'needs-token'
  /** The authorization window is open; waiting for the callback. */
  | 'authorizing'
  /** Tokens are stored for this resource. */
  | 'authorized'
  /** A refresh is in flight; tokens are still stored. */
  | 'refreshing'
  /** The server answered 403 `insufficient_scope`: `authorize()` again for `stepUpScopes`. */
  | 'needs-step-up'
  /** The last authorization was cancelled or denied by the user. */
  | 'cancelled'
  /** `disconnect()` cleared the tokens. */
  | 'disconnected'
  /** The last operation failed: see `error`. */
  | 'error'

/** What the authorization server did with a token at disconnect (RFC 7009). */
export type RevocationOutcome = 'revoked' | 'unsupported' | 'failed'

/** What `disconnect()` achieved at the authorization server, per token. */
export interface RevocationReport {
  readonly accessToken: RevocationOutcome
  /** Absent when there was no refresh token. */
  readonly refreshToken?: RevocationOutcome
  /** When the access token still expires if it could not be revoked, epoch ms. */
  readonly accessTokenExpiresAt?: number
  /** Why a revocation request did not reach the server: `cors_blocked` or `network_error`. */
  readonly error?: McpAuthError
}

/** What a UI needs to render one server. Never contains tokens or secrets. */
export interface McpServerSnapshot {
  /** The canonical resource URI of the server (RFC 8707 §2). */
  readonly resource: string
  readonly status: McpServerStatus
  /** Human-readable name from the protected resource metadata, when published. */
  readonly resourceName?: string
  /** The authorization server issuer, once discovered. */
  readonly issuer?: string
  readonly registration?: RegistrationKind
  /** Scopes the AS granted (or that were requested, when the AS did not say). */
  readonly scopes: readonly string[]
  /** When the access token expires, in epoch milliseconds. */
  readonly expiresAt?: number
  /**
   * How the stored access token is presented, while there is one: `DPoP` when it is bound to
   * this browser's non-extractable key (RFC 9449, "sender-constrained"), else `Bearer`.
   */
  readonly tokenType?: TokenType
  /** Scopes that `authorize()` will request to satisfy a step-up challenge. */
  readonly stepUpScopes?: readonly string[]
  /** Whether the tokens are kept in memory only (IndexedDB unavailable). */
  readonly storage: 'indexeddb' | 'memory' | 'custom'
  /** The last error, with a stable `code`. */
  readonly error?: McpAuthError
  /**
   * While `authorizing` in a popup: `open`, or `closed` once the window reports closed. Under
   * Cross-Origin-Opener-Policy a popup reports closed while the user is still signing in, so the
   * flow keeps listening; offer "Open again" and Cancel.
   */
  readonly popup?: PopupState
  /** Set by `disconnect()`, cleared by the next authorization. */
  readonly revocation?: RevocationReport
}

/**
 * Turns an authorization URL into the callback URL the AS redirected to.
 * The browser default opens a popup (or redirects the page); a headless driver serves Node,
 * tests and CLIs.
 */
export type AuthorizationDriver = (request: AuthorizationDriverRequest) => Promise<string>

/** What the authorization popup last reported (see `McpServerSnapshot.popup`). */
export type PopupState = 'open' | 'closed'

export interface AuthorizationDriverRequest {
  /** The validated authorization URL (https, or http on loopback). */
  readonly url: string
  /** The redirect URI registered for this client. */
  readonly redirectUri: string
  /** The `state` of this flow. */
  readonly state: string
  readonly signal: AbortSignal
  /** A driver with a window reports it here: `open` once navigated, `closed` when it closes. */
  readonly onPopup?: (state: PopupState) => void
}

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
  /** Token and client storage. Defaults to IndexedDB, falling back to memory. */
  storage?: TokenStorage
  /** Fetch used for every request; route through a proxy here when servers lack CORS. */
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
}

export interface AuthorizeOptions {
  /** Space-separated scopes; overrides the selection from the challenge and metadata. */
  scope?: string
  /** `popup` (default in browsers) or `redirect`. */
  mode?: 'popup' | 'redirect'
  /** Where a redirect flow returns to. Defaults to the current page. */
  returnTo?: string
}
