import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval'
import type { TokenStorage } from '../contracts/storage.js'
import { memoryStorage } from './memory.js'

/**
 * IndexedDB storage in a database of its own (`mcp-oauth`), through idb-keyval. When IndexedDB
 * is missing or refuses to open (some private modes), it switches to memory for the rest of the
 * page's life and reports `kind: 'memory'`.
 */
export function indexedDbStorage(databaseName = 'mcp-oauth'): TokenStorage {
  let store: UseStore | undefined
  let fallback: TokenStorage | undefined
  if (typeof indexedDB === 'undefined') fallback = memoryStorage()

  const run = async <T>(idb: (s: UseStore) => Promise<T>, mem: (m: TokenStorage) => Promise<T>) => {
    if (!fallback) {
      try {
        store ??= createStore(databaseName, 'records')
        return await idb(store)
      } catch {
        fallback = memoryStorage()
      }
    }
    return mem(fallback!)
  }

  return {
    get kind() {
      return fallback ? 'memory' : 'indexeddb'
    },
    get: (key) =>
      run(
        (s) => get(key, s),
        (m) => m.get(key),
      ),
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
        async (s) => (await keys(s)).map(String).filter((k) => k.startsWith(prefix)),
        (m) => m.keys(prefix),
      ),
  }
}

/** IndexedDB in browsers, memory elsewhere (Node, workers without IndexedDB). */
export function defaultStorage(): TokenStorage {
  return indexedDbStorage()
}
