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
