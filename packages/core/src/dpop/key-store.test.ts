import 'fake-indexeddb/auto'
import { describe, expect, test, vi } from 'vitest'
import { indexedDbStorage } from '../storage/indexeddb.js'
import { memoryStorage } from '../storage/memory.js'
import type { TokenStorage } from '../storage/types.js'
import { DPOP_KEY_VERSION, DpopKeyStore, dpopKeyStorageKey } from './key-store.js'

const ISSUER = 'https://auth.example.com'
const RESOURCE = 'https://mcp.example.com/mcp'
const KEY = dpopKeyStorageKey(ISSUER, RESOURCE)

/** A storage that keeps values as JSON, as a naive custom storage (or localStorage) would. */
function jsonStorage(): TokenStorage {
  const map = new Map<string, string>()
  return {
    kind: 'custom',
    async get(key) {
      const value = map.get(key)
      return value === undefined ? undefined : JSON.parse(value)
    },
    async set(key, value) {
      map.set(key, JSON.stringify(value))
    },
    async delete(key) {
      map.delete(key)
    },
    async keys(prefix) {
      return [...map.keys()].filter((k) => k.startsWith(prefix))
    },
  }
}

describe('DPoP keys', () => {
  test('an ES256 key pair whose private key cannot be exported (WebCrypto extractable: false)', async () => {
    const { keyPair } = await new DpopKeyStore({ storage: memoryStorage() }).get(ISSUER, RESOURCE)
    expect(keyPair.privateKey.extractable).toBe(false)
    expect(keyPair.privateKey.algorithm).toEqual({ name: 'ECDSA', namedCurve: 'P-256' })
    await expect(crypto.subtle.exportKey('jwk', keyPair.privateKey)).rejects.toThrow()
    // oauth4webapi embeds the public key in each proof: it must stay exportable, without `d`.
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey)
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' })
    expect(jwk).not.toHaveProperty('d')
  })

  test('persisted in IndexedDB and reloaded by a new store (a page reload), still non-extractable', async () => {
    const name = `dpop-${Math.random()}`
    const first = await new DpopKeyStore({ storage: indexedDbStorage(name) }).get(ISSUER, RESOURCE)
    expect(first.persistence).toBe('storage')
    const reloaded = new DpopKeyStore({ storage: indexedDbStorage(name) })
    const again = await reloaded.get(ISSUER, RESOURCE)
    expect(again.persistence).toBe('storage')
    expect(again.keyPair.privateKey.extractable).toBe(false)
    const jwk = (pair: CryptoKeyPair) => crypto.subtle.exportKey('jwk', pair.publicKey)
    expect(await jwk(again.keyPair)).toEqual(await jwk(first.keyPair))
    const record = await indexedDbStorage(name).get(KEY)
    expect(record).toMatchObject({
      v: DPOP_KEY_VERSION,
      issuer: ISSUER,
      resource: RESOURCE,
      alg: 'ES256',
    })
  })

  test('one key per (issuer, resource): another server gets another key', async () => {
    const store = new DpopKeyStore({ storage: memoryStorage() })
    const a = await store.get(ISSUER, RESOURCE)
    const b = await store.get(ISSUER, 'https://other.example.com/mcp')
    const jwk = (pair: CryptoKeyPair) => crypto.subtle.exportKey('jwk', pair.publicKey)
    expect(await jwk(a.keyPair)).not.toEqual(await jwk(b.keyPair))
    expect(await jwk((await store.get(ISSUER, RESOURCE)).keyPair)).toEqual(await jwk(a.keyPair))
  })

  test('concurrent first uses create exactly one key', async () => {
    const storage = memoryStorage()
    const set = vi.spyOn(storage, 'set')
    const store = new DpopKeyStore({ storage })
    const pairs = await Promise.all([1, 2, 3, 4].map(() => store.get(ISSUER, RESOURCE)))
    expect(set).toHaveBeenCalledTimes(1)
    expect(new Set(pairs.map((p) => p.keyPair.privateKey)).size).toBe(1)
  })

  test('a storage that cannot hold a CryptoKey: the key lives in memory and this is reported', async () => {
    const storage = jsonStorage()
    const onMemoryOnly = vi.fn()
    const store = new DpopKeyStore({ storage, onMemoryOnly })
    const first = await store.get(ISSUER, RESOURCE)
    expect(first.persistence).toBe('memory')
    expect(onMemoryOnly).toHaveBeenCalledTimes(1)
    expect(onMemoryOnly.mock.calls[0]?.[0]).toBe(KEY)
    // Nothing useless is left behind, and the same key keeps signing for the page's life.
    expect(await storage.get(KEY)).toBeUndefined()
    expect((await store.get(ISSUER, RESOURCE)).keyPair).toBe(first.keyPair)
    expect(onMemoryOnly).toHaveBeenCalledTimes(1)
  })

  test('a storage that throws on write: memory, reported', async () => {
    const storage = memoryStorage()
    storage.set = async () => {
      throw new DOMException('cannot clone', 'DataCloneError')
    }
    const onMemoryOnly = vi.fn()
    const key = await new DpopKeyStore({ storage, onMemoryOnly }).get(ISSUER, RESOURCE)
    expect(key.persistence).toBe('memory')
    expect(onMemoryOnly).toHaveBeenCalledWith(KEY, expect.any(DOMException))
  })

  test('a corrupt or foreign record is reported, never thrown, and replaced', async () => {
    const storage = memoryStorage()
    const onCorrupt = vi.fn()
    for (const bad of [
      { v: 99, issuer: ISSUER, resource: RESOURCE, alg: 'ES256' },
      { v: DPOP_KEY_VERSION, issuer: ISSUER, resource: RESOURCE, alg: 'ES256', keyPair: {} },
      'garbage',
    ]) {
      await storage.set(KEY, bad)
      onCorrupt.mockClear()
      const key = await new DpopKeyStore({ storage, onCorrupt }).get(ISSUER, RESOURCE)
      expect(onCorrupt).toHaveBeenCalledWith(KEY, bad)
      expect(key.keyPair.privateKey.extractable).toBe(false)
      expect(await storage.get(KEY)).toMatchObject({ v: DPOP_KEY_VERSION })
    }
  })

  test('a stored key whose private key is extractable is not trusted', async () => {
    const storage = memoryStorage()
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    await storage.set(KEY, {
      v: DPOP_KEY_VERSION,
      issuer: ISSUER,
      resource: RESOURCE,
      alg: 'ES256',
      keyPair,
      createdAt: 0,
    })
    const onCorrupt = vi.fn()
    const key = await new DpopKeyStore({ storage, onCorrupt }).get(ISSUER, RESOURCE)
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    expect(key.keyPair.privateKey.extractable).toBe(false)
  })

  test('delete removes the key from storage and memory; the next use makes a new one', async () => {
    const storage = memoryStorage()
    const store = new DpopKeyStore({ storage })
    const first = await store.get(ISSUER, RESOURCE)
    await store.delete(ISSUER, RESOURCE)
    expect(await storage.get(KEY)).toBeUndefined()
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    const second = await store.get(ISSUER, RESOURCE)
    expect(second.keyPair.privateKey).not.toBe(first.keyPair.privateKey)
  })

  test('delete also forgets a memory-only key', async () => {
    const store = new DpopKeyStore({ storage: jsonStorage() })
    await store.get(ISSUER, RESOURCE)
    await store.delete(ISSUER, RESOURCE)
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
  })
})
