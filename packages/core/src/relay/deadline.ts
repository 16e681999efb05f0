/**
 * The signal of one upstream request: aborted when the page goes away (for the whole life of
 * the response, streams included), or when the target sends no response headers in time.
 * `clear()` once the headers arrived: from then on only the page ends the request.
 */
export function upstreamSignal(page: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const follow = () => controller.abort()
  if (page?.aborted) follow()
  else page?.addEventListener('abort', follow)
  return {
    signal: controller.signal,
    /** Whether the deadline, rather than the page, aborted the request. */
    timedOut: () => timedOut,
    clear: () => clearTimeout(timer),
  }
}

/** A promise that rejects when `signal` aborts, to race work that takes no signal. */
export function whenAborted(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    else signal.addEventListener('abort', () => reject(signal.reason))
  })
  // The race may be over long before the signal aborts: a late rejection is nobody's error.
  aborted.catch(() => {})
  return aborted
}
