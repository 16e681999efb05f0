import { McpAuthError } from '../errors.js'
import type { McpEventError } from './types.js'

/**
 * Query parameters whose values may be secret, or may identify one flow to an attacker:
 * authorization codes and `state` (RFC 6749 §4.1.2), PKCE values (RFC 7636), tokens, client
 * secrets and assertions, and the usual names of API keys.
 */
const SECRET_PARAM =
  /^(code|state|code_verifier|code_challenge|(access|refresh|id)_token|token|client_secret|(client_)?assertion|password|api_?key|key|dpop)$/i

/**
 * A URL with the values of secret-looking query parameters, any fragment and any user
 * information (`user:password@`) replaced by `…`.
 * Anything that does not parse as a URL comes back as it is.
 */
export function redactUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return value
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, '…')
  }
  if (url.hash) url.hash = '…'
  // User information (RFC 3986 §3.2.1) is a credential when present: only its presence shows.
  if (url.username || url.password) {
    url.username = '…'
    url.password = ''
  }
  // `URLSearchParams` encodes the ellipsis; show it as it was written.
  return url.href.replace(/%E2%80%A6/g, '…')
}

/** Every URL inside a text (an error message), redacted; trailing punctuation is not the URL's. */
export const redactText = (text: string): string =>
  text.replace(/\bhttps?:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)]/g, (url) => redactUrl(url))

type Detail = string | number | boolean | readonly string[]

/** A plain value of an error's `details`, or `undefined` for anything else (objects, causes). */
function plain(value: unknown): Detail | undefined {
  if (typeof value === 'string') return redactText(value)
  if (typeof value === 'number' || typeof value === 'boolean') return value
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map(redactText)
  }
  return undefined
}

/**
 * A thrown value as an event error: code, message, transience and plain details, never the
 * `cause` (which may hold a response body). A value that is not the kit's error becomes
 * `unexpected_response` with its message.
 */
export function eventError(error: unknown): McpEventError {
  if (!(error instanceof McpAuthError)) {
    // What `fetch` itself throws (offline, DNS, CORS) is a TypeError: a network failure.
    const network = error instanceof TypeError
    return {
      code: network ? 'network_error' : 'unexpected_response',
      message: redactText(error instanceof Error ? error.message : String(error)),
      transient: network,
    }
  }
  const details: Record<string, Detail> = {}
  for (const [key, value] of Object.entries(error.details ?? {})) {
    const kept = plain(value)
    if (kept !== undefined) details[key] = kept
  }
  return {
    code: error.code,
    message: redactText(error.message),
    transient: error.transient,
    ...(Object.keys(details).length ? { details } : {}),
  }
}
