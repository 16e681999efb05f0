import type { McpAuthError } from '../errors.js'
import type { RegistrationKind } from './client.js'
import type { DpopKeyPersistence, TokenType } from './dpop.js'

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
  /**
   * `disconnect()` cleared the tokens. With an `error` of code `storage_failed`, the storage
   * refused the clear: the tokens left this page's memory (and were revoked when the server
   * can), but the sign-out is not saved, and another tab or a reload may still find them.
   */
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
  /**
   * `memory` while the stored token is bound to a DPoP key that the storage could not keep (a
   * custom storage without `CryptoKey` support): the key, and so the tokens, end with the page.
   */
  readonly dpopKey?: DpopKeyPersistence
  /** Scopes that `authorize()` will request to satisfy a step-up challenge. */
  readonly stepUpScopes?: readonly string[]
  /**
   * Where tokens are kept: `memory` only when IndexedDB could not be opened at all (tokens are
   * lost on reload). A write the storage refuses is an `error` (`storage_failed`), never a
   * switch to memory.
   */
  readonly storage: 'indexeddb' | 'memory' | 'custom'
  /**
   * The last error, with a stable `code`. `storage_failed` says what was not saved: with status
   * `disconnected`, the sign-out; with status `authorized`, the tokens of the last refresh (in
   * use in this page, stored by its next refresh or disconnect).
   */
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

/** What the authorization popup last reported (see `McpServerSnapshot.popup`). */
export type PopupState = 'open' | 'closed'

/** What an operation changes in the snapshot; `error: undefined` clears the last error. */
export type Patch = Partial<
  Omit<McpServerSnapshot, 'resource' | 'storage' | 'error' | 'revocation'>
> & {
  error?: McpAuthError | undefined
  revocation?: RevocationReport | undefined
}
