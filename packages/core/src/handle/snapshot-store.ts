/**
 * A minimal observable value. `subscribe` calls the listener at once with the current value,
 * which makes it a Svelte store, and returns the unsubscribe function; it also suits React's
 * `useSyncExternalStore` (the extra first call is harmless there).
 */
export class SnapshotStore<T> {
  #value: T
  readonly #listeners = new Set<(value: T) => void>()

  constructor(initial: T) {
    this.#value = initial
  }

  get = (): T => this.#value

  set(value: T): void {
    this.#value = value
    for (const listener of [...this.#listeners]) {
      try {
        listener(value)
      } catch (error) {
        // A failing listener must not starve the others; surface it asynchronously.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  subscribe = (listener: (value: T) => void): (() => void) => {
    this.#listeners.add(listener)
    listener(this.#value)
    return () => {
      this.#listeners.delete(listener)
    }
  }
}
