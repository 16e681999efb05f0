/**
 * Runs `task` while holding an exclusive Web Lock named `name`, so only one tab refreshes a
 * resource at a time (refresh tokens rotate: a second refresh with the same token would be
 * `invalid_grant`; OAuth 2.1 §4.3.1). Without the Locks API the task runs directly; the
 * in-tab single flight still applies.
 */
export async function withCrossTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks?.request) return task()
  return locks.request(name, { mode: 'exclusive' }, task) as Promise<T>
}

/** One promise per key while it is pending: concurrent callers share it. */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>()

  run(key: string, task: () => Promise<T>): Promise<T> {
    const existing = this.#inflight.get(key)
    if (existing) return existing
    const promise = task().finally(() => this.#inflight.delete(key))
    this.#inflight.set(key, promise)
    return promise
  }
}
