import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { McpAuthError, networkError } from '../errors.js'

/**
 * The fetch used when the app passes none. Only requests made with it are diagnosed as CORS
 * failures: a custom fetch (a proxy, a test double) may send the request elsewhere, so its
 * failure says nothing about the server's CORS headers.
 */
export const defaultFetch: FetchLike = (input, init) => globalThis.fetch(input, init)

/** The default fetch, and the observers of it that `@mcp-oauth/core/events` adds. */
export const diagnosable = new WeakSet<FetchLike>([defaultFetch])

/**
 * The options of requests that spend and change nothing (metadata GETs, the probe, route
 * checks): when CORS refuses one, it may be sent again through the relay, and its host learned.
 */
export const harmless = new WeakSet<RequestInit>()

/** Responses that came through the relay, and errors it gave, for the event stream. */
export const relayed = new WeakSet<object>()

/**
 * Classifies a failure thrown by `fetch` itself: `cors_blocked` when the host answered and only
 * its CORS headers are missing (see `cors-diagnosis.ts`), else `network_error` (transient).
 * Only a browser page can tell the two apart, and only with a fetch the kit knows goes straight
 * to the server; the check's code loads then, on the first failure. A typed error (from the
 * relay, say) is passed on as it is. `headers` names the request's headers the CORS policy must
 * allow, when the caller knows them.
 */
export async function transportError(
  fetchFn: FetchLike,
  url: string,
  step: RequestStep,
  cause: unknown,
  headers?: readonly string[],
): Promise<McpAuthError> {
  if (cause instanceof McpAuthError) return cause
  if (diagnosable.has(fetchFn) && cause instanceof TypeError && typeof document !== 'undefined') {
    try {
      const { corsBlocked } = await import('./cors-diagnosis.js')
      const blocked = await corsBlocked(url, step, cause, headers)
      if (blocked) return blocked
    } catch {
      // The check did not load (offline): a network error it is.
    }
  }
  return networkError(url, cause)
}
