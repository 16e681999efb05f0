import type { FetchLike } from '../contracts/fetch.js'
import type { Routes } from '../contracts/routes.js'
import { diagnosable } from '../http/transport-error.js'

/**
 * The fetch of an instance with a relay: each request goes straight to its server or through the
 * relay, as `./router.ts` decides (a chunk of its own, loaded on the first request). A chunk that
 * failed to load (offline) is tried again on the next request.
 */
export function routedFetch(routes: Routes, fetchFn: FetchLike): FetchLike {
  let router: Promise<typeof import('./router.js')> | undefined
  const load = () => {
    router ??= import('./router.js').catch((error: unknown) => {
      router = undefined
      throw error
    })
    return router
  }
  const send: FetchLike = (input, init) =>
    load().then(({ route }) => route(routes, fetchFn, input, init))
  // Its direct requests are the app's fetch's: diagnosed as CORS failures when those are.
  if (diagnosable.has(fetchFn)) diagnosable.add(send)
  return send
}
