import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { type McpAuthError, networkError } from '../errors.js'

/**
 * The fetch used when the app passes none. Only requests made with it are diagnosed as CORS
 * failures: a custom fetch (a proxy, a test double) may send the request elsewhere, so its
 * failure says nothing about the server's CORS headers.
 */
export const defaultFetch: FetchLike = (input, init) => globalThis.fetch(input, init)

/** The default fetch, and the observers of it that `@mcp-oauth/core/events` adds. */
export const diagnosable = new WeakSet<FetchLike>([defaultFetch])

/**
 * Classifies a failure thrown by `fetch` itself: `cors_blocked` when the host answered and only
 * its CORS headers are missing (see `cors-diagnosis.ts`), else `network_error` (transient).
 * Only a browser page can tell the two apart, and only with a fetch the kit knows goes straight
 * to the server; the check's code loads then, on the first failure.
 */
export async function transportError(
  fetchFn: FetchLike,
  url: string,
  step: RequestStep,
  cause: unknown,
): Promise<McpAuthError> {
  if (diagnosable.has(fetchFn) && cause instanceof TypeError && typeof document !== 'undefined') {
    try {
      const { corsBlocked } = await import('./cors-diagnosis.js')
      const blocked = await corsBlocked(url, step, cause)
      if (blocked) return blocked
    } catch {
      // The check did not load (offline): a network error it is.
    }
  }
  return networkError(url, cause)
}
