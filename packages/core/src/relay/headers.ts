import { REQUEST_HEADERS, RESPONSE_HEADERS } from './wire.js'

/** The page's protocol headers, and nothing else: no cookie, origin, referer or user agent. */
export function forwardedRequestHeaders(incoming: Headers): Headers {
  const headers = new Headers()
  for (const name of REQUEST_HEADERS) {
    const value = incoming.get(name)
    if (value !== null) headers.set(name, value)
  }
  return headers
}

/** Copies the target's protocol headers onto the relay's answer; never `set-cookie`. */
export function copyResponseHeaders(upstream: Headers, into: Headers): void {
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.get(name)
    if (value !== null) into.set(name, value)
  }
}
