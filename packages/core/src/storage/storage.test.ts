import 'fake-indexeddb/auto'
import { describe, expect, test } from 'vitest'
import { RECORD_VERSION, TOKEN_RECORD_VERSION } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { indexedDbStorage } from './indexeddb.js'
import { memoryStorage } from './memory.js'
import { keys, readRecord } from './records.js'

describe.each([
  ['memory', () => memoryStorage()],
  ['indexeddb', () => indexedDbStorage(`test-${Math.random()}`)],
] as const)('%s storage', (kind, create) => {
  test('set, get, keys by prefix, delete', async () => {
    const storage: TokenStorage = create()
    await storage.set('tokens:https://a.example/mcp', { v: 1, n: 1 })
    await storage.set('client:https://as.example https://app/cb', { v: 1 })
    expect(await storage.get('tokens:https://a.example/mcp')).toEqual({ v: 1, n: 1 })
    expect(await storage.keys('tokens:')).toEqual(['tokens:https://a.example/mcp'])
    await storage.delete('tokens:https://a.example/mcp')
    expect(await storage.get('tokens:https://a.example/mcp')).toBeUndefined()
    expect(storage.kind).toBe(kind)
  })

  test('entries reads every key and value, as copies', async () => {
    const storage: TokenStorage = create()
    await storage.set('tokens:https://a.example/mcp', { v: 1 })
    await storage.set('generation:https://a.example/mcp', 2)
    const entries = await storage.entries!()
    expect(entries.sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['generation:https://a.example/mcp', 2],
      ['tokens:https://a.example/mcp', { v: 1 }],
    ])
    const value = new Map(entries).get('tokens:https://a.example/mcp') as { v: number }
    value.v = 9
    expect(await storage.get('tokens:https://a.example/mcp')).toEqual({ v: 1 })
  })

  test('values are copies: mutating a read value changes nothing stored', async () => {
    const storage = create()
    await storage.set('k', { list: [1] })
    const value = (await storage.get('k')) as { list: number[] }
    value.list.push(2)
    expect(await storage.get('k')).toEqual({ list: [1] })
  })
})

test('IndexedDB storage survives a new instance on the same database (a reload)', async () => {
  const name = `reload-${Math.random()}`
  await indexedDbStorage(name).set('tokens:x', { v: 1 })
  expect(await indexedDbStorage(name).get('tokens:x')).toEqual({ v: 1 })
})

test('IndexedDB storage falls back to memory when IndexedDB refuses to open', async () => {
  const original = globalThis.indexedDB
  const broken = {
    open() {
      throw new DOMException('blocked', 'SecurityError')
    },
  } as unknown as IDBFactory
  Object.defineProperty(globalThis, 'indexedDB', { value: broken, configurable: true })
  try {
    const storage = indexedDbStorage(`broken-${Math.random()}`)
    await storage.set('k', { v: 1 })
    expect(await storage.get('k')).toEqual({ v: 1 })
    expect(storage.kind).toBe('memory')
  } finally {
    Object.defineProperty(globalThis, 'indexedDB', { value: original, configurable: true })
  }
})

describe('readRecord: versioned records', () => {
  const valid = {
    v: TOKEN_RECORD_VERSION,
    resource: 'https://a.example/mcp',
    accessToken: 'at',
    scopes: [],
  }

  test.each([
    ['another version', { ...valid, v: TOKEN_RECORD_VERSION + 1 }],
    ['a string', 'garbage'],
    ['wrong field types', { ...valid, accessToken: 42 }],
  ])('%s is reported and ignored', async (_name, value) => {
    const storage = memoryStorage()
    await storage.set(keys.tokens('https://a.example/mcp'), value)
    const reported: string[] = []
    const record = await readRecord(
      storage,
      keys.tokens('https://a.example/mcp'),
      'tokens',
      (key) => reported.push(key),
    )
    expect(record).toBeUndefined()
    expect(reported).toEqual([keys.tokens('https://a.example/mcp')])
  })

  test('a token record of version 1 is read as it is: its reader upgrades it', async () => {
    const storage = memoryStorage()
    const old = {
      ...valid,
      v: 1,
      issuer: 'https://as.example',
      as: { issuer: 'https://as.example' },
    }
    await storage.set(keys.tokens('https://a.example/mcp'), old)
    expect(
      await readRecord(storage, keys.tokens('https://a.example/mcp'), 'tokens', () => {}),
    ).toEqual(old)
  })

  test('other records have one version: a client record of version 2 is another version', async () => {
    const storage = memoryStorage()
    const key = keys.client('https://as.example', 'https://app/cb')
    const client = { issuer: 'https://as.example', clientId: 'c', tokenEndpointAuthMethod: 'none' }
    await storage.set(key, { ...client, v: 2 })
    const reported: string[] = []
    expect(await readRecord(storage, key, 'client', (k) => reported.push(k))).toBeUndefined()
    expect(reported).toEqual([key])
    await storage.set(key, { ...client, v: RECORD_VERSION })
    expect(await readRecord(storage, key, 'client', () => {})).toMatchObject(client)
  })

  test('the AS metadata of an issuer: a document with an issuer, or nothing', async () => {
    const storage = memoryStorage()
    const key = keys.issuer('https://as.example')
    expect(key).toBe('issuer:https://as.example')
    const reported: string[] = []
    for (const broken of [{ as: null }, { as: {} }, { as: { issuer: 7 } }, {}]) {
      await storage.set(key, { v: RECORD_VERSION, ...broken })
      expect(await readRecord(storage, key, 'issuer', (k) => reported.push(k))).toBeUndefined()
    }
    expect(reported).toHaveLength(4)
    const as = { issuer: 'https://as.example', token_endpoint: 'https://as.example/token' }
    await storage.set(key, { v: RECORD_VERSION, as })
    expect(await readRecord(storage, key, 'issuer', () => {})).toEqual({ v: RECORD_VERSION, as })
  })

  test('a storage that throws on read is reported, not thrown', async () => {
    const storage: TokenStorage = {
      ...memoryStorage(),
      get: () => Promise.reject(new Error('disk on fire')),
    }
    const reported: string[] = []
    await expect(
      readRecord(storage, 'tokens:x', 'tokens', (key) => reported.push(key)),
    ).resolves.toBe(undefined)
    expect(reported).toEqual(['tokens:x'])
  })

  test('a missing record is simply absent', async () => {
    const reported: string[] = []
    expect(await readRecord(memoryStorage(), 'tokens:x', 'tokens', (k) => reported.push(k))).toBe(
      undefined,
    )
    expect(reported).toEqual([])
  })
})
