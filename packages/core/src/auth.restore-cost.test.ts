import 'fake-indexeddb/auto'
import { afterEach, expect, test, vi } from 'vitest'
import { createMcpAuth } from './auth.js'
import { TOKEN_RECORD_VERSION, type TokenRecord } from './contracts/records.js'
import { indexedDbStorage } from './storage/indexeddb.js'
import { keys } from './storage/records.js'
import { REDIRECT } from './test-support/harness.js'
import { countTransactions } from './test-support/idb-transactions.js'

/** Which lazily loaded chunks were imported. */
const loaded = vi.hoisted(() => new Set<string>())
vi.mock('./connect/index.js', async (importOriginal) => {
  loaded.add('connect')
  return importOriginal()
})
vi.mock('./dpop/index.js', async (importOriginal) => {
  loaded.add('dpop')
  return importOriginal()
})

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

test('restored servers: their first tokens, and every one after, cost no request, chunk, lock, crypto, timer or further read', async () => {
  const db = `restore-cost-${Date.now()}`
  const first = indexedDbStorage(db)
  const urls = [1, 2, 3].map((i) => `https://mcp${i}.example.com/mcp`)
  for (const url of urls) {
    const record: TokenRecord = {
      v: TOKEN_RECORD_VERSION,
      resource: url,
      accessToken: `at-${url}`,
      refreshToken: 'rt',
      expiresAt: Date.now() + 3_600_000,
      scopes: [],
      issuer: 'https://auth.example.com',
    }
    await first.set(keys.generation(url), 1)
    await first.set(keys.tokens(url), record)
  }
  const requests: string[] = []
  const locks: string[] = []
  vi.stubGlobal('navigator', {
    locks: {
      request: (name: string, _options: unknown, task: () => Promise<unknown>) => {
        locks.push(name)
        return task()
      },
    },
  })
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: indexedDbStorage(db),
    fetch: async (input) => {
      requests.push(String(input))
      return new Response(null, { status: 500 })
    },
    driver: async (request) => request.url,
  })
  const transactions = countTransactions()
  const handles = await auth.restore()
  expect(transactions()).toBe(1)
  const timers = vi.spyOn(globalThis, 'setTimeout')
  const signs = vi.spyOn(crypto.subtle, 'sign')
  const digests = vi.spyOn(crypto.subtle, 'digest')
  for (const handle of handles) expect((await handle.probe()).status).toBe('authorized')
  for (let call = 0; call < 20; call++) {
    for (const handle of handles) expect(await handle.getAccessToken()).toBe(`at-${handle.url}`)
  }
  expect(transactions()).toBe(1)
  expect({ requests, locks, loaded: [...loaded] }).toEqual({ requests: [], locks: [], loaded: [] })
  expect(timers).not.toHaveBeenCalled()
  expect(signs).not.toHaveBeenCalled()
  expect(digests).not.toHaveBeenCalled()
})
