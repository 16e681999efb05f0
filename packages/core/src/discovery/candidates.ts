import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { getJson, type JsonResult } from '../http/json-document.js'

/** One candidate's outcome: the GET's result, or the transport error it threw. */
export type CandidateResult = JsonResult | { error: unknown }

/**
 * Fetches every metadata candidate at once, so a miss costs no extra round trip, and hands the
 * results back in priority order. `pick` sees them one at a time, best first, and returns the
 * value to keep or `undefined` to look at the next; whatever is still in flight when it decides
 * is aborted. A rejection from `pick` also stops the search (and aborts the rest).
 */
export async function firstInPriorityOrder<T>(
  fetchFn: FetchLike,
  urls: readonly string[],
  step: RequestStep,
  headers: Record<string, string>,
  pick: (result: CandidateResult, url: string) => T | undefined,
): Promise<T | undefined> {
  const controller = new AbortController()
  // Each outcome is caught here: an aborted or failed lower candidate is never an unhandled
  // rejection, and never hides a higher one.
  const pending = urls.map((url) =>
    getJson(fetchFn, url, step, headers, controller.signal).then(
      (r): CandidateResult => r,
      (error: unknown) => ({ error }),
    ),
  )
  try {
    for (const [index, promise] of pending.entries()) {
      const found = pick(await promise, urls[index]!)
      if (found !== undefined) return found
    }
    return undefined
  } finally {
    controller.abort()
  }
}
