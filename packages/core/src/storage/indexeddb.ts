import { createStore, del, entries, getMany, keys, set, type UseStore } from 'idb-keyval'
import type { TokenStorage } from '../contracts/storage.js'
import { storageFailed } from '../errors.js'
import { memoryStorage } from './memory.js'

/**
 * IndexedDB storage in a database of its own (`mcp-oauth`, object store `records`), through
 * idb-keyval. When IndexedDB is missing or refuses to open (some private modes), it keeps
 * everything in memory for the rest of the page's life and reports `kind: 'memory'`. Any
 * other failure fails its own operation only, with a `StorageError` (`storage_failed`): one
 * refused write never turns the instance into memory storage, so a later sign-out is still
 * written where the next page load reads.
 *
 * Reads asked for in the same turn (every server of a page probed at once, say) share one
 * read-only transaction: the cost of a transaction, not of a read, is what grows with the
 * number of servers.
 */
export function indexedDbStorage(databaseName = 'mcp-oauth'): TokenStorage {
  let memory = typeof indexedDB === 'undefined' ? memoryStorage() : undefined
  let store: UseStore | undefined
  /** Whether the database ever opened: only one that never did means memory. */
  let opened = false
  const run = async <T>(idb: (s: UseStore) => Promise<T>, mem: (m: TokenStorage) => Promise<T>) => {
    if (memory) return mem(memory)
    store ??= createStore(databaseName, 'records')
    const open = store
    try {
      return await idb((mode, callback) =>
        open(mode, (objectStore) => {
          opened = true
          return callback(objectStore)
        }),
      )
    } catch (cause) {
      if (opened) throw storageFailed(cause)
      memory ??= memoryStorage()
      return mem(memory)
    }
  }

  /** The reads of this turn, sent together once the turn's other reads have joined. */
  let batch: { key: string; settle: (read: Promise<unknown>) => void }[] | undefined
  const readBatch = () => {
    const reads = batch!
    batch = undefined
    const values = run(
      (s) =>
        getMany(
          reads.map((read) => read.key),
          s,
        ),
      (m) => Promise.all(reads.map((read) => m.get(read.key))),
    )
    for (const [i, read] of reads.entries()) read.settle(values.then((all) => all[i]))
  }

  return {
    get kind() {
      return memory ? 'memory' : 'indexeddb'
    },
    get: (key) =>
      new Promise((settle) => {
        if (!batch) {
          batch = []
          queueMicrotask(readBatch)
        }
        batch.push({ key, settle })
      }),
    set: (key, value) =>
      run(
        (s) => set(key, value, s),
        (m) => m.set(key, value),
      ),
    delete: (key) =>
      run(
        (s) => del(key, s),
        (m) => m.delete(key),
      ),
    keys: (prefix) =>
      run(
        async (s) => (await keys(s)).map(String).filter((key) => key.startsWith(prefix)),
        (m) => m.keys(prefix),
      ),
    // One transaction reads the whole store: a few small records per server.
    entries: () =>
      run(
        (s) => entries<string, unknown>(s),
        (m) => m.entries!(),
      ),
  }
}

/** IndexedDB in browsers, memory elsewhere (Node, workers without IndexedDB). */
export function defaultStorage(): TokenStorage {
  return indexedDbStorage()
}
