import type { TokenStorage } from '../contracts/storage.js'

/** Keeps everything in this page's memory: nothing survives a reload. */
export function memoryStorage(): TokenStorage {
  const map = new Map<string, unknown>()
  return {
    kind: 'memory',
    async get(key) {
      return structuredClone(map.get(key))
    },
    async set(key, value) {
      map.set(key, structuredClone(value))
    },
    async delete(key) {
      map.delete(key)
    },
    async keys(prefix) {
      return [...map.keys()].filter((k) => k.startsWith(prefix))
    },
    async entries() {
      return structuredClone([...map])
    },
  }
}
