/**
 * The relay's wire protocol, shared by the relay and the page that uses it.
 *
 * Request: the page sends the request it would have sent to the target, with the same method,
 * protocol headers and body, to `<relay>?url=<encodeURIComponent(target)>`.
 *
 * Response: the target's status and body (streamed), with only {@link RESPONSE_HEADERS}. A
 * redirect (301, 302, 303, 307, 308) is not followed: it arrives as a 204 with
 * `mcp-relay-redirect: <status>` and, when the target sent a usable `Location`,
 * `mcp-relay-location: <absolute URL>`. A refusal or failure of the relay itself is a 4xx/5xx
 * with `mcp-relay-error: <reason>` and a JSON body `{ error, reason, message }`.
 */

/** The query parameter that carries the target URL. */
export const TARGET_PARAM = 'url'

/** The request headers the relay forwards; every other one (cookies first) stays behind. */
export const REQUEST_HEADERS = [
  'authorization',
  'dpop',
  'content-type',
  'accept',
  'mcp-protocol-version',
  'mcp-session-id',
  'mcp-method',
  'mcp-name',
  'last-event-id',
] as const

/** The target's response headers the relay hands back; never `set-cookie`. */
export const RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'www-authenticate',
  'mcp-session-id',
  'dpop-nonce',
] as const

/** The redirect status the target answered, on a 204 from the relay. */
export const REDIRECT_HEADER = 'mcp-relay-redirect'
/** The absolute URL of the redirect's `Location`, resolved against the target. */
export const LOCATION_HEADER = 'mcp-relay-location'
/** The reason of a refusal or failure of the relay itself. */
export const ERROR_HEADER = 'mcp-relay-error'

/** What a page on another origin may read: the protocol's headers and the relay's own. */
export const EXPOSED_HEADERS = [
  'www-authenticate',
  'mcp-session-id',
  'dpop-nonce',
  REDIRECT_HEADER,
  LOCATION_HEADER,
  ERROR_HEADER,
] as const

/** The methods the protocol uses. */
export const METHODS = ['GET', 'POST', 'DELETE'] as const

/** The statuses a browser's fetch would follow (Fetch §4.4), handed back rather than followed. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])
