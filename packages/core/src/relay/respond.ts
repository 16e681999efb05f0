import { copyResponseHeaders } from './headers.js'
import { LOCATION_HEADER, REDIRECT_HEADER, REDIRECT_STATUSES } from './wire.js'

/** Statuses whose responses have no body (Fetch §2.2.3). */
const NULL_BODY = new Set([101, 103, 204, 205, 304])

/**
 * The page's answer from the target's: its status and its body as a stream, untouched (Server-
 * Sent Events arrive as they are sent), with only the protocol's response headers. A redirect
 * is handed back instead of followed, as a 204 a page can read: a real 3xx would reach it as an
 * opaque redirect or be followed by the browser, outside the kit's bearer rules.
 */
export function relayResponse(upstream: Response, target: URL, headers: Headers): Response {
  if (REDIRECT_STATUSES.has(upstream.status)) {
    upstream.body?.cancel().catch(() => {})
    headers.set(REDIRECT_HEADER, String(upstream.status))
    const location = upstream.headers.get('location')
    const absolute = location === null ? null : URL.parse(location, target)
    if (absolute) headers.set(LOCATION_HEADER, absolute.href)
    return new Response(null, { status: 204, headers })
  }
  copyResponseHeaders(upstream.headers, headers)
  const body = NULL_BODY.has(upstream.status) ? null : upstream.body
  return new Response(body, { status: upstream.status, headers })
}
