/**
 * A minimal observable value. `subscribe` calls the listener at once with the current value,
 * which makes it a Svelte store, and returns the unsubscribe function; it also suits React's
 * `useSyncExternalStore` (the extra first call is harmless there).
 */
export class SnapshotStore<T> {
  #value: T
  /** Made by the first subscriber: many handles are never watched. */
  #listeners: Set<(value: T) => void> | undefined

  constructor(initial: T) {
    this.#value = initial
  }

  get(): T {
    return this.#value
  }

  set(value: T): void {
    this.#value = value
    for (const listener of [...(this.#listeners ?? [])]) {
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

  subscribe(listener: (value: T) => void): () => void {
    this.#listeners ??= new Set()
    const listeners = this.#listeners
    listeners.add(listener)
    listener(this.#value)
    return () => {
      listeners.delete(listener)
    }
  }
}
