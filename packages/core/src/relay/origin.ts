import { RelayRefusal } from './refusal.js'
import { EXPOSED_HEADERS, METHODS, REQUEST_HEADERS } from './wire.js'

/**
 * The page's origin when the request comes from a page the relay serves, or `undefined` for a
 * same-origin request a browser sent without `Origin` (Fetch §3.2.5: a same-origin GET), which
 * it marks with `Sec-Fetch-Site: same-origin`. Anything else is refused, navigations included:
 * the relay answers `fetch()` calls, never a page the user opens.
 *
 * A browser sets these headers and a page cannot forge them; any other client can. The check
 * keeps other sites' pages out, it does not authenticate anyone.
 */
export function checkCaller(request: Request, origins: ReadonlySet<string>): string | undefined {
  const headers = request.headers
  const mode = headers.get('sec-fetch-mode')
  const dest = headers.get('sec-fetch-dest')
  if (mode === 'navigate' || (dest !== null && dest !== 'empty')) {
    throw new RelayRefusal('origin_not_allowed', 'The relay answers fetch() requests only.')
  }
  const origin = headers.get('origin')
  if (origin !== null) {
    if (origins.has(origin)) return origin
    throw new RelayRefusal('origin_not_allowed', `Origin ${origin} may not use this relay.`)
  }
  if (headers.get('sec-fetch-site') === 'same-origin') return undefined
  throw new RelayRefusal(
    'origin_not_allowed',
    'The request has no Origin and is not marked Sec-Fetch-Site: same-origin.',
  )
}

/**
 * The headers every answer of the relay starts with: CORS for a page on another origin (the
 * protocol's headers and the relay's own exposed), and a policy that keeps a body the target
 * sent from running as a page of the app's origin.
 */
export function baseHeaders(origin: string | undefined): Headers {
  const headers = new Headers({
    vary: 'Origin',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  })
  if (origin !== undefined) {
    headers.set('access-control-allow-origin', origin)
    headers.set('access-control-expose-headers', EXPOSED_HEADERS.join(', '))
  }
  return headers
}

/** The answer to a CORS preflight (Fetch §3.2.2) from an allowed page. */
export function preflightResponse(origin: string | undefined): Response {
  const headers = baseHeaders(origin)
  headers.set('access-control-allow-methods', METHODS.join(', '))
  headers.set('access-control-allow-headers', REQUEST_HEADERS.join(', '))
  headers.set('access-control-max-age', '600')
  return new Response(null, { status: 204, headers })
}
