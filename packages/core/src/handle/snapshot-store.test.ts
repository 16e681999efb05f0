import { describe, expect, test, vi } from 'vitest'
import { SnapshotStore } from './snapshot-store.js'

describe('SnapshotStore', () => {
  test('subscribe calls the listener at once with the current value (Svelte store contract)', () => {
    const store = new SnapshotStore({ n: 1 })
    const seen: number[] = []
    store.subscribe((v) => seen.push(v.n))
    expect(seen).toEqual([1])
  })

  test('get returns the same object until set; listeners see every change until unsubscribed', () => {
    const initial = { n: 1 }
    const store = new SnapshotStore(initial)
    expect(store.get()).toBe(initial)
    expect(store.get()).toBe(store.get())
    const seen: number[] = []
    const stop = store.subscribe((v) => seen.push(v.n))
    store.set({ n: 2 })
    stop()
    store.set({ n: 3 })
    expect(seen).toEqual([1, 2])
    expect(store.get()).toEqual({ n: 3 })
  })

  test('a throwing listener does not starve the others; its error is rethrown asynchronously', async () => {
    const store = new SnapshotStore(0)
    const thrown = vi.fn()
    const seen: number[] = []
    store.subscribe((v) => {
      if (v === 1) throw new Error('listener bug')
    })
    store.subscribe((v) => seen.push(v))
    const original = globalThis.queueMicrotask
    globalThis.queueMicrotask = (task) =>
      original(() => {
        try {
          task()
        } catch (error) {
          thrown(error)
        }
      })
    try {
      store.set(1)
      await Promise.resolve()
    } finally {
      globalThis.queueMicrotask = original
    }
    expect(seen).toEqual([0, 1])
    expect(thrown).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }))
  })

  test('a listener that unsubscribes during notification does not break the loop', () => {
    const store = new SnapshotStore(0)
    const seen: string[] = []
    const stop = store.subscribe((v) => {
      seen.push(`a${v}`)
      if (v === 1) stop()
    })
    store.subscribe((v) => seen.push(`b${v}`))
    store.set(1)
    store.set(2)
    expect(seen).toEqual(['a0', 'b0', 'a1', 'b1', 'b2'])
  })
})
