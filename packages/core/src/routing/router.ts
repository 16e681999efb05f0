import type { FetchLike } from '../contracts/fetch.js'
import type { Routes } from '../contracts/routes.js'
import { McpAuthError, networkError } from '../errors.js'
import { answersOpaquely } from '../http/cors-diagnosis.js'
import { isRedirect, redirected } from '../http/redirects.js'
import { diagnosable, harmless } from '../http/transport-error.js'
import { sendThroughRelay } from './relay-fetch.js'
import { throughRelay } from './through-relay.js'

/** Redirects a relayed request follows before giving up (WHATWG Fetch allows 20). */
const MAX_REDIRECTS = 20

/**
 * The fetch of an instance with a relay. A request to a host that goes through the relay is sent
 * there; any other goes straight to its server. When CORS refuses a harmless request (a metadata
 * GET, the probe, a route check: see `harmless`), it is sent again through the relay, and its
 * origin is learned unless the answer was a miss (404, 410: another URL of the host may well
 * answer). Nothing else is ever sent twice: a request that may have been processed fails with the
 * browser's error, which the caller reports as `cors_blocked`.
 */
export async function route(
  routes: Routes,
  fetchFn: FetchLike,
  input: RequestInfo | URL,
  init?: RequestInit,
  hops = 0,
): Promise<Response> {
  const url = new URL(
    input instanceof Request ? input.url : String(input),
    globalThis.location?.href,
  )
  if (throughRelay(routes, url)) return viaRelay(routes, fetchFn, new Request(input, init), hops)
  try {
    return await fetchFn(input, init)
  } catch (cause) {
    const retry =
      cause instanceof TypeError && init && harmless.has(init) && diagnosable.has(fetchFn)
    if (!retry || init.signal?.aborted) throw cause
    // Offline is not CORS: the caller needs no second check to say so.
    if (!(await answersOpaquely(url.href))) throw networkError(url.href, cause)
    const response = await viaRelay(routes, fetchFn, new Request(input, init), hops)
    if (response.status !== 404 && response.status !== 410) routes.learned.add(url.origin)
    return response
  }
}

/**
 * Sends `request` through the relay. A redirect comes back as the 3xx it stands for: returned as
 * it is to a `manual` request (the bearer rules of `server.fetch` decide about it), followed for
 * a `follow` one as fetch would (each hop routed again, `Authorization` dropped when the origin
 * changes), refused for an `error` one.
 */
async function viaRelay(
  routes: Routes,
  fetchFn: FetchLike,
  request: Request,
  hops: number,
): Promise<Response> {
  const spare = request.redirect === 'follow' ? request.clone() : undefined
  const relay = typeof routes.relay === 'string' ? routes.relay : routes.relay.url
  const response = await sendThroughRelay(relay, fetchFn, request)
  const location = response.headers.get('location')
  if (request.redirect === 'manual' || !isRedirect(response.status)) return response
  if (!spare || !location || hops >= MAX_REDIRECTS) {
    throw new McpAuthError(
      'unexpected_response',
      `${request.url} redirected ${location ? `to ${location}` : 'without a Location'}, and the request does not follow redirects`,
      { details: { url: request.url, status: response.status } },
    )
  }
  const next = await redirected(spare, new URL(location, request.url).href, response.status)
  if (new URL(next.url).origin !== new URL(request.url).origin) next.headers.delete('authorization')
  return route(routes, fetchFn, next, undefined, hops + 1)
}
