import type { McpAuthErrorCode, McpServerSnapshot, RegistrationRefusal } from '@mcp-oauth/core'
import { format } from '../host/format.js'

/**
 * Every user-facing string of the elements. Override any of them through the `strings`
 * property, e.g. for translation. `{name}`, `{issuer}`, `{scopes}` and `{time}` are filled in.
 */
export interface McpStrings {
  checking: string
  open: string
  needsAuthorization: string
  signInAt: string
  authorize: string
  waiting: string
  /** While authorizing, once the sign-in window reports closed. */
  popupClosed: string
  cancel: string
  openAgain: string
  clientIdTitle: string
  clientIdLabel: string
  clientIdRequired: string
  continue: string
  tokenTitle: string
  tokenLabel: string
  tokenRequired: string
  connect: string
  stepUp: string
  cancelled: string
  denied: string
  tryAgain: string
  disconnected: string
  authorized: string
  retry: string
  reauthorize: string
  disconnect: string
  confirmDisconnect: string
  keep: string
  issuerLabel: string
  scopesLabel: string
  /** The label of the token's protection, shown for sender-constrained (DPoP) tokens. */
  protectionLabel: string
  /** The token is bound to this browser's key (RFC 9449 DPoP): a copy is useless elsewhere. */
  senderConstrained: string
  /** The summary of the disclosure with the developer text of a CORS error. */
  errorDetails: string
  none: string
  pillAuthorized: string
  pillExpiresIn: string
  pillRefreshing: string
  pillExpired: string
  pillNeedsAuthorization: string
  pillCancelled: string
  pillDenied: string
  pillDisconnected: string
  pillStepUp: string
  pillError: string
  pillOpen: string
  pillChecking: string
  pillNeedsToken: string
  pillNeedsClientId: string
  pillAuthorizing: string
  minutes: string
  seconds: string
  /** `{name}`: shown when `probe="manual"` and the app has not probed yet. */
  notChecked: string
  pillNotChecked: string
  /** The card after a disconnect, by what the server did with the tokens. `{time}`: time left. */
  revoked: string
  notRevoked: string
  notRevokedEndsIn: string
  revokeFailed: string
  revokeFailedEndsIn: string
  errors: Partial<Record<McpAuthErrorCode, string>> & { default: string }
  /**
   * Above the client-ID form after the authorization server refused to register the app, by
   * `error.details.reason`; a reason without its own text shows `errors.registration_refused`.
   */
  refusals: Partial<Record<RegistrationRefusal, string>>
}

/** What the `strings` property accepts: any subset, error messages and refusals one by one. */
export type McpStringOverrides = Partial<Omit<McpStrings, 'errors'>> & {
  errors?: Partial<McpStrings['errors']>
}

export const DEFAULT_STRINGS: McpStrings = {
  checking: 'Checking {name}…',
  open: '{name} is ready. It needs no authorization.',
  needsAuthorization: '{name} needs your permission.',
  signInAt: 'You will sign in at {issuer}.',
  authorize: 'Authorize',
  waiting: 'Waiting for authorization…',
  popupClosed: 'The sign-in window was closed. Open it again, or cancel.',
  cancel: 'Cancel',
  openAgain: 'Open again',
  clientIdTitle: '{issuer} needs a client ID for this app.',
  clientIdLabel: 'Client ID',
  clientIdRequired: 'Enter a client ID.',
  continue: 'Continue',
  tokenTitle: '{name} needs an access token.',
  tokenLabel: 'Access token',
  tokenRequired: 'Enter a token.',
  connect: 'Connect',
  stepUp: '{name} needs more permissions: {scopes}.',
  cancelled: 'Authorization was cancelled.',
  denied: 'Access was denied.',
  tryAgain: 'Try again',
  disconnected: 'Disconnected from {name}.',
  authorized: 'Connected to {name}.',
  retry: 'Retry',
  reauthorize: 'Re-authorize',
  disconnect: 'Disconnect',
  confirmDisconnect: 'Disconnect and revoke access?',
  keep: 'Keep',
  issuerLabel: 'Authorization server',
  scopesLabel: 'Permissions',
  protectionLabel: 'Protection',
  senderConstrained: 'Sender-constrained (DPoP)',
  errorDetails: 'Details',
  none: '—',
  pillAuthorized: 'Authorized',
  pillExpiresIn: 'Authorized · expires in {time}',
  pillRefreshing: 'Refreshing…',
  pillExpired: 'Expired',
  pillNeedsAuthorization: 'Needs authorization',
  pillCancelled: 'Cancelled',
  pillDenied: 'Access denied',
  pillDisconnected: 'Disconnected',
  pillStepUp: 'Needs more permissions',
  pillError: 'Error',
  pillOpen: 'Open',
  pillChecking: 'Checking…',
  pillNeedsToken: 'Needs a token',
  pillNeedsClientId: 'Needs a client ID',
  pillAuthorizing: 'Authorizing…',
  minutes: '{n} min',
  seconds: '{n} s',
  notChecked: '{name} has not been checked yet.',
  pillNotChecked: 'Not checked',
  revoked: 'Signed out. Access was revoked.',
  notRevoked: 'Signed out here. This server does not support revoking access.',
  notRevokedEndsIn:
    'Signed out here. This server does not support revoking access; it ends in {time}.',
  revokeFailed: 'Signed out here. The server could not be reached to revoke access.',
  revokeFailedEndsIn:
    'Signed out here. The server could not be reached to revoke access; it ends in {time}.',
  errors: {
    default: 'Something went wrong. Try again.',
    network_error: 'The server could not be reached. Check your connection.',
    cors_blocked: 'This server does not allow browser apps to connect (CORS).',
    server_error: 'The server had a problem. Try again in a moment.',
    resource_mismatch: 'This server’s metadata names another server. For your safety, stopped.',
    issuer_mismatch:
      'The authorization server’s metadata is inconsistent. For your safety, stopped.',
    iss_mismatch:
      'The answer did not come from the expected authorization server. For your safety, sign-in was stopped.',
    iss_missing:
      'The authorization server did not identify itself. For your safety, sign-in was stopped.',
    state_mismatch: 'This answer belongs to another sign-in. Start again.',
    callback_replayed: 'This sign-in was already used. Start again.',
    pkce_not_supported: 'The authorization server does not support secure sign-in (PKCE).',
    insecure_url: 'The server uses an insecure address.',
    registration_failed: 'This app could not register with the authorization server.',
    registration_refused:
      'This server only accepts apps its owner has approved. Enter the client ID you were given.',
    timeout: 'Sign-in took too long. Try again.',
    invalid_grant: 'The authorization expired. Authorize again.',
    step_up_limit: 'The server keeps asking for more permissions. Stopped.',
    storage_corrupt: 'Saved sign-in data could not be read and was ignored.',
    invalid_client_id: 'Enter a client ID.',
    authorization_server_not_found: 'No authorization server was found for this server.',
    resource_metadata_not_found: 'This server did not describe how to authorize.',
    invalid_token: 'This token was refused. Enter another one.',
    redirect_refused: 'The server sent the request elsewhere. For your safety, it was stopped.',
    callback_not_delivered: 'Sign-in did not come back to this app. Try again.',
    dpop_unsupported: 'The authorization server cannot protect tokens for this device.',
    dpop_key_lost: 'This browser’s key for the sign-in is gone. Authorize again.',
  },
  refusals: {
    invalid_redirect_uri:
      'This server does not accept sign-ins for this app’s address. Enter the client ID you were given.',
    invalid_client_metadata:
      'This server did not accept this app’s details. Enter the client ID you were given.',
  },
}

/** The element's message for an error code; the server's own text is never shown. */
export function errorMessage(s: McpStrings, code: string | undefined): string {
  return (s.errors as Record<string, string | undefined>)[code ?? ''] ?? s.errors.default
}

/**
 * Why the authorization server refused to register the app, in plain words: the text for its
 * `details.reason`, else the one for `registration_refused`.
 */
export function refusalMessage(s: McpStrings, error: McpServerSnapshot['error']): string {
  const reason = error?.details?.reason
  return (
    (s.refusals as Record<string, string | undefined>)[String(reason)] ??
    errorMessage(s, error?.code)
  )
}

/** Strings with the app's overrides applied (one level deep, and inside `errors` and `refusals`). */
export function mergeStrings(overrides: McpStringOverrides | undefined): McpStrings {
  if (!overrides) return DEFAULT_STRINGS
  return {
    ...DEFAULT_STRINGS,
    ...overrides,
    errors: { ...DEFAULT_STRINGS.errors, ...overrides.errors },
    refusals: { ...DEFAULT_STRINGS.refusals, ...overrides.refusals },
  }
}

/** Time left, as the pill and the card say it: "12 min", then "30 s" in the last minute. */
export function timeLeft(ms: number, s: McpStrings): string {
  return ms >= 60_000
    ? format(s.minutes, { n: String(Math.round(ms / 60_000)) })
    : format(s.seconds, { n: String(Math.ceil(ms / 1000)) })
}
