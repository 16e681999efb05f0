import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { getJson, type JsonResult } from '../http/json-document.js'

/** One candidate's outcome: the GET's result, or the transport error it threw. */
export type CandidateResult = JsonResult | { error: unknown }

/**
 * Fetches metadata candidates so that a miss costs no extra round trip, and hands the results
 * back in priority order. `pick` sees them one at a time, best first, and returns the value to
 * keep or `undefined` to look at the next; whatever is still in flight when it decides is
 * aborted. A rejection from `pick` also stops the search (and aborts the rest).
 *
 * Every candidate goes out at once, unless `headStart` gives the first one that many
 * milliseconds alone (or until its answer, a 200, is read): the others follow when it ends, or
 * as soon as the first answers without a document to keep, whichever comes first. A first
 * candidate that answers in time spares the others' requests; one that misses costs at most
 * `headStart` more than no head start would.
 */
export async function firstInPriorityOrder<T>(
  fetchFn: FetchLike,
  urls: readonly string[],
  step: RequestStep,
  headers: Record<string, string>,
  pick: (result: CandidateResult, url: string) => T | undefined,
  headStart = 0,
): Promise<T | undefined> {
  const controller = new AbortController()
  const pending: Promise<CandidateResult>[] = []
  // Each outcome is caught here: an aborted or failed lower candidate is never an unhandled
  // rejection, and never hides a higher one.
  let timer: ReturnType<typeof setTimeout> | undefined
  // Once the first answers 200, the head start lasts while its document is read.
  const first = (response: Response) => response.status === 200 && clearTimeout(timer)
  const get = (index: number) =>
    (pending[index] ??= getJson(
      fetchFn,
      urls[index]!,
      step,
      headers,
      controller.signal,
      index ? undefined : first,
    ).then(
      (r): CandidateResult => r,
      (error: unknown) => ({ error }),
    ))
  const all = () => {
    clearTimeout(timer)
    for (const index of urls.keys()) get(index)
  }
  get(0)
  if (headStart > 0 && urls.length > 1) timer = setTimeout(all, headStart)
  else all()
  try {
    for (const [index, url] of urls.entries()) {
      const found = pick(await get(index), url)
      if (found !== undefined) return found
      all()
    }
    return undefined
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
}
