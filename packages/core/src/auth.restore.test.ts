import 'fake-indexeddb/auto'
import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from './auth.js'
import { RECORD_VERSION, TOKEN_RECORD_VERSION, type TokenRecord } from './contracts/records.js'
import type { TokenStorage } from './contracts/storage.js'
import { indexedDbStorage } from './storage/indexeddb.js'
import { memoryStorage } from './storage/memory.js'
import { keys } from './storage/records.js'
import { instrumented, REDIRECT } from './test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.restoreAllMocks())

let databases = 0
const freshDb = () => `restore-${Date.now()}-${++databases}`
const url = (i: number) => `https://mcp${i}.example.com/mcp`

/** K servers stored as an earlier page left them: a token record and a generation each. */
async function stored(storage: TokenStorage, count: number) {
  for (let i = 0; i < count; i++) {
    const record: TokenRecord = {
      v: TOKEN_RECORD_VERSION,
      resource: url(i),
      accessToken: `at-${i}`,
      refreshToken: `rt-${i}`,
      expiresAt: Date.now() + 3_600_000,
      scopes: ['read'],
      issuer: 'https://auth.example.com',
    }
    await storage.set(keys.generation(url(i)), 3)
    await storage.set(keys.tokens(url(i)), record)
  }
  await storage.set('pending:someone-elses-flow', { v: RECORD_VERSION })
}

/** Counts IndexedDB transactions (the unit of a read or write) from now on. */
function countTransactions() {
  const counter = { transactions: 0 }
  const open = IDBDatabase.prototype.transaction
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    counter.transactions++
    return open.apply(this, args)
  })
  return counter
}

describe('restore() reads every stored server at once', () => {
  test.each([1, 10, 50])(
    '%i servers: one IndexedDB transaction from restore() to the first token of each',
    async (count) => {
      const w = createWorld()
      mock.use(...w.handlers)
      const db = freshDb()
      await stored(indexedDbStorage(db), count)
      const auth = createMcpAuth({
        redirectUri: REDIRECT,
        storage: indexedDbStorage(db),
        driver: w.driver(),
      })
      const counter = countTransactions()
      const handles = await auth.restore()
      expect(handles.map((h) => h.url).sort()).toEqual(
        Array.from({ length: count }, (_, i) => url(i)).sort(),
      )
      for (const handle of handles) expect((await handle.probe()).status).toBe('authorized')
      for (const handle of handles) expect(await handle.getAccessToken()).toMatch(/^at-\d+$/)
      expect(counter.transactions).toBe(1)
      // No request either: the tokens are fresh.
      expect(w.requests).toEqual([])
    },
  )

  test('a storage without entries() falls back to its keys and one read per key', async () => {
    const inner = memoryStorage()
    await stored(inner, 3)
    const plain: TokenStorage = {
      kind: 'custom',
      get: (key) => inner.get(key),
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
      keys: (prefix) => inner.keys(prefix),
    }
    const { storage, counts } = instrumented(plain)
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage, driver: async (r) => r.url })
    const handles = await auth.restore()
    expect(handles).toHaveLength(3)
    for (const handle of handles) expect(await handle.getAccessToken()).toMatch(/^at-\d+$/)
    expect(counts.batches).toBe(0)
    expect(counts.reads).toBe(1 + 2 * 3)
  })

  test('a storage with entries(): one read in all', async () => {
    const inner = memoryStorage()
    await stored(inner, 4)
    const { storage, counts } = instrumented(inner)
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage, driver: async (r) => r.url })
    for (const handle of await auth.restore()) await handle.getAccessToken()
    expect(counts.reads).toBe(1)
  })

  test('a corrupt record found by restore() is reported on its handle when it loads', async () => {
    const storage = memoryStorage()
    await stored(storage, 1)
    await storage.set(keys.tokens(url(7)), { v: RECORD_VERSION, resource: url(7) })
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage, driver: async (r) => r.url })
    const handles = await auth.restore()
    const broken = handles.find((h) => h.url === url(7))!
    await expect(broken.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect(broken.getSnapshot().error?.code).toBe('storage_corrupt')
  })

  test('a server another tab disconnects between restore() and its first call is not used', async () => {
    const w = createWorld({ resource: url(0) })
    mock.use(...w.handlers)
    const storage = memoryStorage()
    const first = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    await first.server(url(0)).authorize()
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const [restored] = await auth.restore()
    const listener = new BroadcastChannel('mcp-oauth:tokens')
    let heard = 0
    listener.onmessage = () => heard++
    await first.server(url(0)).disconnect()
    await new Promise<void>((resolve) => {
      const wait = () => (heard > 0 ? resolve() : setTimeout(wait, 2))
      wait()
    })
    listener.close()
    await expect(restored!.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
  })
})
