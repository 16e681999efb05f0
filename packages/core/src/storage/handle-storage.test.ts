import 'fake-indexeddb/auto'
import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { RECORD_VERSION } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { mcpCall, REDIRECT } from '../test-support/harness.js'
import { indexedDbStorage } from './indexeddb.js'
import { keys } from './records.js'

const mock = useMockServer()
let databases = 0
const freshDb = () => `handle-${Date.now()}-${++databases}`

function instance(storage: TokenStorage, world: ReturnType<typeof createWorld>) {
  return createMcpAuth({ redirectUri: REDIRECT, storage, driver: world.driver() })
}

describe('server handles on IndexedDB storage (fake-indexeddb)', () => {
  test('tokens survive a reload: a new instance on the same database is authorized without a request', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const db = freshDb()
    const storage = indexedDbStorage(db)
    expect(storage.kind).toBe('indexeddb')
    await instance(storage, w).server(w.options.resource).authorize()
    const stored = (await storage.get(keys.tokens(w.options.resource))) as Record<string, unknown>
    expect(stored.v).toBe(RECORD_VERSION)

    const reloaded = instance(indexedDbStorage(db), w)
    const [handle] = await reloaded.restore()
    const before = w.requests.length
    const snapshot = await handle!.probe()
    expect(snapshot).toMatchObject({
      status: 'authorized',
      storage: 'indexeddb',
      issuer: w.options.issuer,
    })
    expect(w.requests.length).toBe(before)
    expect((await mcpCall(handle!)).status).toBe(200)
  })

  test.each([
    [
      'a record of a future version',
      (r: Record<string, unknown>) => ({ ...r, v: RECORD_VERSION + 1 }),
    ],
    [
      'a record without an access token',
      (r: Record<string, unknown>) => ({ ...r, accessToken: undefined }),
    ],
    [
      'a record with a numeric refresh token',
      (r: Record<string, unknown>) => ({ ...r, refreshToken: 7 }),
    ],
    [
      'a record with an unknown token type',
      (r: Record<string, unknown>) => ({ ...r, tokenType: 'MAC' }),
    ],
    ['a string instead of a record', () => 'garbage'],
  ])('%s is reported as storage_corrupt and ignored, never thrown', async (_name, corrupt) => {
    const w = createWorld()
    mock.use(...w.handlers)
    const db = freshDb()
    const storage = indexedDbStorage(db)
    await instance(storage, w).server(w.options.resource).authorize()
    const key = keys.tokens(w.options.resource)
    await storage.set(key, corrupt((await storage.get(key)) as Record<string, unknown>))

    const used = instance(indexedDbStorage(db), w).server(w.options.resource)
    await expect(used.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect(used.getSnapshot().error?.code).toBe('storage_corrupt')

    const handle = instance(indexedDbStorage(db), w).server(w.options.resource)
    const snapshot = await handle.probe()
    expect(snapshot.status).toBe('needs-authorization')
    expect(snapshot.error?.code).toBe('storage_corrupt')
    // A fresh authorization replaces the corrupt record.
    expect((await handle.authorize()).status).toBe('authorized')
    expect(((await storage.get(key)) as Record<string, unknown>).v).toBe(RECORD_VERSION)
  })

  test('a corrupt client registration is reported and replaced by a new registration', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const storage = indexedDbStorage(freshDb())
    await storage.set(keys.client(w.options.issuer, REDIRECT), {
      v: RECORD_VERSION,
      issuer: w.options.issuer,
    })
    const handle = instance(storage, w).server(w.options.resource)
    const snapshot = await handle.probe()
    expect(snapshot.status).toBe('needs-authorization')
    expect(snapshot.error?.code).toBe('storage_corrupt')
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.hits('/register')).toHaveLength(1)
  })

  test('a storage that throws on read is reported in the snapshot, not thrown at the app', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const broken: TokenStorage = {
      kind: 'custom',
      get: () => Promise.reject(new Error('quota')),
      set: async () => {},
      delete: async () => {},
      keys: async () => [],
    }
    const handle = instance(broken, w).server(w.options.resource)
    const snapshot = await handle.probe()
    expect(snapshot).toMatchObject({ status: 'needs-authorization', storage: 'custom' })
    expect(snapshot.error?.code).toBe('storage_corrupt')
  })

  test('the snapshot says memory when IndexedDB is unavailable', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const original = globalThis.indexedDB
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true })
    try {
      const handle = instance(indexedDbStorage(freshDb()), w).server(w.options.resource)
      expect(handle.getSnapshot().storage).toBe('memory')
      expect((await handle.authorize()).status).toBe('authorized')
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', { value: original, configurable: true })
    }
  })
})
