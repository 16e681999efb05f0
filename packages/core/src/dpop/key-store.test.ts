import 'fake-indexeddb/auto'
import { describe, expect, test, vi } from 'vitest'
import type { TokenStorage } from '../contracts/storage.js'
import { indexedDbStorage } from '../storage/indexeddb.js'
import { memoryStorage } from '../storage/memory.js'
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

/** A storage that hands back exactly what it was given, without cloning (a custom storage). */
function rawStorage(): TokenStorage {
  const map = new Map<string, unknown>()
  return {
    kind: 'custom',
    get: async (key) => map.get(key),
    set: async (key, value) => {
      map.set(key, value)
    },
    delete: async (key) => {
      map.delete(key)
    },
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  }
}

const newPair = async (extractable = false) =>
  (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair

/** A CryptoKey look-alike (it passes `instanceof`) with the fields of `key`, some changed. */
function variant(key: CryptoKey, changes: Partial<Record<keyof CryptoKey, unknown>>): CryptoKey {
  const fields = {
    type: key.type,
    algorithm: key.algorithm,
    extractable: key.extractable,
    usages: key.usages,
    ...changes,
  }
  return Object.defineProperties(
    Object.create(CryptoKey.prototype),
    Object.fromEntries(Object.entries(fields).map(([k, value]) => [k, { value }])),
  ) as CryptoKey
}

const record = (keyPair: unknown, changes: Record<string, unknown> = {}) => ({
  v: DPOP_KEY_VERSION,
  issuer: ISSUER,
  resource: RESOURCE,
  alg: 'ES256',
  keyPair,
  createdAt: 0,
  ...changes,
})

describe('stored DPoP keys: what is trusted', () => {
  test('a stored record of this key is used as it is, and reported as kept in storage', async () => {
    const storage = rawStorage()
    const keyPair = await newPair()
    await storage.set(KEY, record(keyPair))
    const onCorrupt = vi.fn()
    const found = await new DpopKeyStore({ storage, onCorrupt }).find(ISSUER, RESOURCE)
    expect(found).toEqual({ keyPair, persistence: 'storage' })
    expect(found?.keyPair).toBe(keyPair)
    expect(onCorrupt).not.toHaveBeenCalled()
  })

  test('the record of a new key: version, issuer, resource, alg, the pair, and when it was made', async () => {
    const storage = rawStorage()
    const { keyPair } = await new DpopKeyStore({ storage, now: () => 1234 }).get(ISSUER, RESOURCE)
    expect(await storage.get(KEY)).toEqual({
      v: DPOP_KEY_VERSION,
      issuer: ISSUER,
      resource: RESOURCE,
      alg: 'ES256',
      keyPair,
      createdAt: 1234,
    })
    expect(keyPair.privateKey.usages).toEqual(['sign'])
    expect(keyPair.publicKey.usages).toEqual(['verify'])
  })

  test.each([
    ['another version', { v: DPOP_KEY_VERSION + 1 }],
    ['another issuer', { issuer: 'https://other-auth.example.com' }],
    ['another resource', { resource: 'https://mcp.example.com/other' }],
    ['another algorithm', { alg: 'ES384' }],
  ])('a record with a valid key pair but %s is reported and never used', async (_name, changes) => {
    const storage = rawStorage()
    const keyPair = await newPair()
    const stored = record(keyPair, changes)
    await storage.set(KEY, stored)
    const onCorrupt = vi.fn()
    const store = new DpopKeyStore({ storage, onCorrupt })
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    expect(onCorrupt).toHaveBeenCalledWith(KEY, stored)
    const made = await store.get(ISSUER, RESOURCE)
    expect(made.keyPair).not.toBe(keyPair)
    expect(await storage.get(KEY)).toMatchObject({
      ...record(made.keyPair),
      createdAt: expect.any(Number),
    })
  })

  test('a record that is a function carrying every field is not a record', async () => {
    const storage = rawStorage()
    const stored = Object.assign(() => {}, record(await newPair()))
    await storage.set(KEY, stored)
    const onCorrupt = vi.fn()
    expect(await new DpopKeyStore({ storage, onCorrupt }).find(ISSUER, RESOURCE)).toBeUndefined()
    expect(onCorrupt).toHaveBeenCalledWith(KEY, stored)
  })

  test('a key pair that is null, a string or a function carrying both keys is reported, not thrown', async () => {
    const real = await newPair()
    for (const keyPair of [
      null,
      'pair',
      Object.assign(() => {}, { privateKey: real.privateKey, publicKey: real.publicKey }),
    ]) {
      const storage = rawStorage()
      const stored = record(keyPair)
      await storage.set(KEY, stored)
      const onCorrupt = vi.fn()
      expect(await new DpopKeyStore({ storage, onCorrupt }).find(ISSUER, RESOURCE)).toBeUndefined()
      expect(onCorrupt).toHaveBeenCalledWith(KEY, stored)
    }
  })

  const cases: [string, (pair: CryptoKeyPair) => unknown][] = [
    [
      'a public key that is a plain object',
      (p) => ({
        privateKey: p.privateKey,
        publicKey: {
          type: 'public',
          algorithm: p.publicKey.algorithm,
          extractable: true,
          usages: ['verify'],
        },
      }),
    ],
    [
      'a private key that is a plain object',
      (p) => ({
        privateKey: {
          type: 'private',
          algorithm: p.privateKey.algorithm,
          extractable: false,
          usages: ['sign'],
        },
        publicKey: p.publicKey,
      }),
    ],
    [
      'a "private" key of type public',
      (p) => ({
        privateKey: variant(p.privateKey, { type: 'public' }),
        publicKey: p.publicKey,
      }),
    ],
    [
      'a "public" key of type private',
      (p) => ({
        privateKey: p.privateKey,
        publicKey: variant(p.publicKey, { type: 'private' }),
      }),
    ],
    [
      'an ECDH private key',
      (p) => ({
        privateKey: variant(p.privateKey, { algorithm: { name: 'ECDH', namedCurve: 'P-256' } }),
        publicKey: p.publicKey,
      }),
    ],
    [
      'a private key on P-384',
      (p) => ({
        privateKey: variant(p.privateKey, { algorithm: { name: 'ECDSA', namedCurve: 'P-384' } }),
        publicKey: p.publicKey,
      }),
    ],
    [
      'a public key on P-384',
      (p) => ({
        privateKey: p.privateKey,
        publicKey: variant(p.publicKey, { algorithm: { name: 'ECDSA', namedCurve: 'P-384' } }),
      }),
    ],
    [
      'an extractable private key',
      (p) => ({
        privateKey: variant(p.privateKey, { extractable: true }),
        publicKey: p.publicKey,
      }),
    ],
    [
      'a public key that cannot be exported',
      (p) => ({
        privateKey: p.privateKey,
        publicKey: variant(p.publicKey, { extractable: false }),
      }),
    ],
    [
      'a private key that cannot sign',
      (p) => ({
        privateKey: variant(p.privateKey, { usages: ['verify'] }),
        publicKey: p.publicKey,
      }),
    ],
  ]

  test.each(cases)('%s is reported and never used', async (_name, pairOf) => {
    const real = await newPair()
    // The look-alike with nothing changed is accepted: only the change below is refused.
    const storage = rawStorage()
    const intact = { privateKey: variant(real.privateKey, {}), publicKey: real.publicKey }
    await storage.set(KEY, record(intact))
    expect((await new DpopKeyStore({ storage }).find(ISSUER, RESOURCE))?.keyPair).toBe(intact)
    const stored = record(pairOf(real))
    await storage.set(KEY, stored)
    const onCorrupt = vi.fn()
    expect(await new DpopKeyStore({ storage, onCorrupt }).find(ISSUER, RESOURCE)).toBeUndefined()
    expect(onCorrupt).toHaveBeenCalledWith(KEY, stored)
  })

  test('without a CryptoKey class, nothing stored is trusted, and nothing throws', async () => {
    const storage = rawStorage()
    const stored = record(await newPair())
    await storage.set(KEY, stored)
    vi.stubGlobal('CryptoKey', undefined)
    try {
      const onCorrupt = vi.fn()
      expect(await new DpopKeyStore({ storage, onCorrupt }).find(ISSUER, RESOURCE)).toBeUndefined()
      expect(onCorrupt).toHaveBeenCalledWith(KEY, stored)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('stored DPoP keys: reading', () => {
  test('a missing key or a null value is simply absent, never reported', async () => {
    const storage = rawStorage()
    const onCorrupt = vi.fn()
    const store = new DpopKeyStore({ storage, onCorrupt })
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    await storage.set(KEY, null)
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    expect(onCorrupt).not.toHaveBeenCalled()
  })

  test('a corrupt record without an onCorrupt handler is replaced quietly', async () => {
    const storage = rawStorage()
    await storage.set(KEY, 'garbage')
    const store = new DpopKeyStore({ storage })
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    expect((await store.get(ISSUER, RESOURCE)).persistence).toBe('storage')
  })

  test('a storage that fails to read: find reports the error; get reports it once and keeps the key in memory', async () => {
    const failure = new Error('disk on fire')
    const storage = rawStorage()
    storage.get = () => Promise.reject(failure)
    const onCorrupt = vi.fn()
    const onMemoryOnly = vi.fn()
    const store = new DpopKeyStore({ storage, onCorrupt, onMemoryOnly })
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    expect(onCorrupt).toHaveBeenCalledWith(KEY, failure)
    onCorrupt.mockClear()
    const made = await store.get(ISSUER, RESOURCE)
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    expect(onCorrupt).toHaveBeenCalledWith(KEY, failure)
    expect(made.persistence).toBe('memory')
    expect(onMemoryOnly).toHaveBeenCalledWith(KEY, failure)
    // A memory-only key is found without asking the storage again.
    expect(await store.find(ISSUER, RESOURCE)).toEqual({
      keyPair: made.keyPair,
      persistence: 'memory',
    })
    expect(onCorrupt).toHaveBeenCalledTimes(1)
  })

  test('a storage that fails to read, without handlers: no error escapes', async () => {
    const storage = rawStorage()
    storage.get = () => Promise.reject(new Error('disk on fire'))
    const store = new DpopKeyStore({ storage })
    expect(await store.find(ISSUER, RESOURCE)).toBeUndefined()
    expect((await store.get(ISSUER, RESOURCE)).persistence).toBe('memory')
  })

  test('a storage that fails to write, without an onMemoryOnly handler: the key lives in memory', async () => {
    const storage = rawStorage()
    storage.set = () => Promise.reject(new DOMException('cannot clone', 'DataCloneError'))
    const key = await new DpopKeyStore({ storage }).get(ISSUER, RESOURCE)
    expect(key.persistence).toBe('memory')
  })

  test('a storage that cannot keep a CryptoKey is told why', async () => {
    const onMemoryOnly = vi.fn()
    const store = new DpopKeyStore({ storage: jsonStorage(), onMemoryOnly })
    const made = await store.get(ISSUER, RESOURCE)
    expect(onMemoryOnly).toHaveBeenCalledWith(
      KEY,
      new TypeError('The storage does not keep CryptoKey values'),
    )
    expect(onMemoryOnly.mock.calls[0]?.[1]).toBeInstanceOf(TypeError)
    expect(await store.find(ISSUER, RESOURCE)).toEqual({
      keyPair: made.keyPair,
      persistence: 'memory',
    })
  })
})

describe('stored DPoP keys: creation under a cross-tab lock', () => {
  test('the first use creates the key under the Web Lock of its storage key; later uses read it without the lock', async () => {
    const request = vi.fn((_name: string, _options: unknown, task: () => Promise<unknown>) =>
      task(),
    )
    vi.stubGlobal('navigator', { locks: { request } })
    try {
      const storage = rawStorage()
      const get = vi.spyOn(storage, 'get')
      const store = new DpopKeyStore({ storage })
      const made = await store.get(ISSUER, RESOURCE)
      expect(request).toHaveBeenCalledTimes(1)
      expect(request).toHaveBeenCalledWith(
        `mcp-oauth:${KEY}`,
        { mode: 'exclusive' },
        expect.any(Function),
      )
      get.mockClear()
      expect((await store.get(ISSUER, RESOURCE)).keyPair).toBe(made.keyPair)
      expect(request).toHaveBeenCalledTimes(1)
      expect(get).toHaveBeenCalledTimes(1)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test('another tab that created the key meanwhile: its key is used, none is made', async () => {
    const storage = rawStorage()
    const theirs = await newPair()
    // The other tab writes its key while this tab waits for the lock.
    const request = vi.fn(
      async (_name: string, _options: unknown, task: () => Promise<unknown>) => {
        await storage.set(KEY, record(theirs))
        return task()
      },
    )
    vi.stubGlobal('navigator', { locks: { request } })
    try {
      const set = vi.spyOn(storage, 'set')
      const key = await new DpopKeyStore({ storage }).get(ISSUER, RESOURCE)
      expect(key).toEqual({ keyPair: theirs, persistence: 'storage' })
      expect(set).toHaveBeenCalledTimes(1)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
