/**
 * Stable error codes. A UI can switch on `error.code`; the message is for developers.
 * The `cause` keeps the underlying error or a structured `{ expected, actual, attribute }`.
 */
export type McpAuthErrorCode =
  // configuration and URL safety (OAuth 2.1 §1.5, MCP security best practices)
  | 'invalid_configuration'
  | 'insecure_url'
  /** `returnTo` is not a path or a URL on the app's origin. */
  | 'invalid_return_to'
  // transport
  | 'network_error'
  /** The host answered, but without the CORS headers the page needs; `details` has `{ url, step }`. */
  | 'cors_blocked'
  | 'server_error'
  | 'unexpected_response'
  // discovery (RFC 9728, RFC 8414)
  | 'resource_metadata_not_found'
  | 'invalid_resource_metadata'
  | 'resource_mismatch'
  | 'authorization_server_not_found'
  | 'invalid_authorization_server_metadata'
  | 'issuer_mismatch'
  | 'pkce_not_supported'
  // registration (RFC 7591, client ID metadata documents)
  | 'registration_failed'
  /**
   * The authorization server refused dynamic registration (RFC 7591 §3.2.2); `details.reason`
   * says why ({@link RegistrationRefusal}). The server then needs a client ID: `needs-client-id`.
   */
  | 'registration_refused'
  | 'invalid_client_id'
  | 'client_id_required'
  // authorization response (RFC 6749 §4.1.2, RFC 9207)
  | 'iss_missing'
  | 'iss_mismatch'
  | 'state_mismatch'
  | 'callback_replayed'
  | 'callback_not_delivered'
  | 'access_denied'
  | 'authorization_failed'
  | 'cancelled'
  | 'timeout'
  | 'popup_blocked'
  | 'step_up_limit'
  // tokens (RFC 6749 §5.2)
  | 'invalid_grant'
  | 'token_request_failed'
  | 'not_authorized'
  /** A redirect would have taken the access token outside its resource; not followed. */
  | 'redirect_refused'
  /** The resource refused the token it was given (RFC 6750 §3.1): type another one. */
  | 'invalid_token'
  | 'storage_corrupt'
  /**
   * The storage refused a read or a write (quota, a closed database, a value it cannot keep):
   * what that operation was to store is not stored; the storage stays in use.
   */
  | 'storage_failed'
  // sender-constrained tokens (RFC 9449)
  | 'dpop_unsupported'
  /** The key a stored DPoP token is bound to is gone (deleted, or memory-only and reloaded). */
  | 'dpop_key_lost'
  // the app's relay (`@mcp-oauth/core/relay`)
  /** The relay refused the request (`details.reason`: `target_not_allowed`, ...): nothing was forwarded. */
  | 'relay_refused'
  /** The relay could not complete the request (`details.reason`: `timeout`, ...); transient. */
  | 'relay_failed'

/**
 * Why an authorization server refused dynamic client registration, in `details.reason` of a
 * `registration_refused` error: the RFC 7591 §3.2.2 error code, or what the HTTP status says.
 * Each one means the same next step: a client ID given by the server's owner, typed by the
 * user or configured in `preRegistered`.
 */
export type RegistrationRefusal =
  /** HTTP 403: the server registers only the apps its owner approved (e.g. by `client_name`). */
  | 'forbidden'
  /** HTTP 401: registration needs an initial access token from the server's owner (RFC 7591 §3). */
  | 'initial_access_token_required'
  /** The server does not accept this app's redirect URI (e.g. only loopback ones). */
  | 'invalid_redirect_uri'
  /** The server refused a value of this app's metadata (e.g. its `client_name`). */
  | 'invalid_client_metadata'
  /** The server registers only apps with a software statement it approved. */
  | 'unapproved_software_statement'
  /** The server asks for a software statement this app does not have. */
  | 'invalid_software_statement'

export interface McpAuthErrorOptions {
  cause?: unknown
  /** Extra fields for diagnostics. Never tokens or secrets. */
  details?: Readonly<Record<string, unknown>>
}

/** Base class of every error the kit throws or reports. */
export class McpAuthError extends Error {
  readonly code: McpAuthErrorCode
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: McpAuthErrorCode, message: string, options: McpAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options.details
  }

  /** Transient errors keep tokens and may be retried: the network or the server failed. */
  get transient(): boolean {
    return /^(network_error|server_error|relay_failed)$/.test(this.code)
  }
}

/** Invalid options or an unsafe URL. */
export class ConfigurationError extends McpAuthError {}

/** Protected resource or authorization server discovery failed. */
export class DiscoveryError extends McpAuthError {}

/** No client identity could be obtained or used. */
export class RegistrationError extends McpAuthError {}

/** The authorization request or response failed, or the user cancelled or denied. */
export class AuthorizationError extends McpAuthError {}

/** A token, refresh or revocation request failed. */
export class TokenError extends McpAuthError {}

/** `cause` of a refused storage operation as `storage_failed` (an `McpAuthError` passes as it is). */
export const storageFailed = (cause: unknown): McpAuthError =>
  cause instanceof McpAuthError
    ? cause
    : new McpAuthError('storage_failed', `Storage failed: ${cause}`, { cause })

/** Wraps anything thrown by `fetch` itself (offline, DNS, CORS outside a browser) as a transient network error. */
export function networkError(url: string, cause: unknown): McpAuthError {
  return new McpAuthError('network_error', `Request to ${url} failed`, { cause })
}

/** The error of a write that lost to a later disconnect. */
export function superseded(): AuthorizationError {
  return new AuthorizationError(
    'cancelled',
    'A later disconnect won: the tokens of this authorization were not kept',
    { details: { superseded: true } },
  )
}

export const isSuperseded = (error: unknown) =>
  error instanceof AuthorizationError && error.details?.superseded === true

/** Any thrown value as a typed error; unknown failures become `unexpected_response`. */
export function asMcpAuthError(error: unknown): McpAuthError {
  return error instanceof McpAuthError
    ? error
    : new McpAuthError(
        'unexpected_response',
        error instanceof Error ? error.message : String(error),
        {
          cause: error,
        },
      )
}
