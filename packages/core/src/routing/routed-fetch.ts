import type { FetchLike } from '../contracts/fetch.js'
import type { Routes } from '../contracts/routes.js'
import { diagnosable } from '../http/transport-error.js'

/**
 * The fetch of an instance with a relay: each request goes straight to its server or through the
 * relay, as `./router.ts` decides, in the routing chunk loaded by the first request.
 */
export function routedFetch(routes: Routes, fetchFn: FetchLike): FetchLike {
  const send: FetchLike = (input, init) =>
    import('./index.js').then(({ route }) => route(routes, fetchFn, input, init))
  // Its direct requests are the app's fetch's: diagnosed as CORS failures when those are.
  if (diagnosable.has(fetchFn)) diagnosable.add(send)
  return send
}
