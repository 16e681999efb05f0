import 'fake-indexeddb/auto'
import { createWorld, useMockServer, type World } from '@mcp-oauth/test-world'
import { createStore, get } from 'idb-keyval'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { IssuerRecord, TokenRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { TAB_CHANNEL } from '../coordination/tab-messages.js'
import { indexedDbStorage } from '../storage/indexeddb.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { instrumented, mcpCall, REDIRECT } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => {
  vi.restoreAllMocks()
})

let databases = 0
const freshDb = () => `faults-${Date.now()}-${++databases}`
const until = async (condition: () => boolean | Promise<boolean>) => {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 2))
}

const instance = (storage: TokenStorage, w: World) =>
  createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })

/** Makes the next IndexedDB write (`put`) fail, as a full disk or an uncloneable value does. */
const failNextPut = () =>
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
    throw new DOMException('The disk is full', 'QuotaExceededError')
  })

const second = () =>
  createWorld({ resource: 'https://second.example.com/mcp', issuer: 'https://auth2.example.com' })

describe('a failed write is a failed write, not a new storage mode', () => {
  test('a write that fails fails its operation, typed; IndexedDB stays in use and a later disconnect survives a reload', async () => {
    const a = createWorld()
    const b = second()
    mock.use(...a.handlers, ...b.handlers)
    const db = freshDb()
    const storage = indexedDbStorage(db)
    const auth = instance(storage, a)
    const first = auth.server(a.options.resource)
    await first.authorize()
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: b.driver() }).server(
      b.options.resource,
    )
    failNextPut()
    await expect(other.authorize()).rejects.toMatchObject({ code: 'storage_failed' })
    expect(other.getSnapshot()).toMatchObject({
      storage: 'indexeddb',
      error: { code: 'storage_failed' },
    })
    expect(storage.kind).toBe('indexeddb')
    // Everything else still uses IndexedDB: a second try works, and a disconnect is persisted.
    expect((await other.authorize()).status).toBe('authorized')
    expect((await first.disconnect()).status).toBe('disconnected')
    expect(first.getSnapshot()).not.toHaveProperty('error')
    const reloaded = instance(indexedDbStorage(db), a)
    const restored = await reloaded.restore()
    expect(restored.map((h) => h.url)).toEqual([b.options.resource])
    expect(await get(keys.tokens(a.options.resource), createStore(db, 'records'))).toBeUndefined()
  })

  test('AS metadata nested 200,000 levels deep never makes a write fail: the document is refused, typed, and nothing changes mode', async () => {
    const a = createWorld()
    const b = second()
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`
    const metadata = JSON.stringify({
      issuer: b.options.issuer,
      authorization_endpoint: `${b.options.issuer}/authorize`,
      token_endpoint: `${b.options.issuer}/token`,
      registration_endpoint: `${b.options.issuer}/register`,
      code_challenge_methods_supported: ['S256'],
    })
    mock.use(
      http.get(`${b.options.issuer}/.well-known/oauth-authorization-server`, () => {
        return new HttpResponse(`${metadata.slice(0, -1)},"x_nested":${deep}}`, {
          headers: { 'content-type': 'application/json' },
        })
      }),
      ...a.handlers,
      ...b.handlers,
    )
    const db = freshDb()
    const storage = indexedDbStorage(db)
    const first = instance(storage, a).server(a.options.resource)
    await first.authorize()
    const other = instance(storage, b).server(b.options.resource)
    await expect(other.authorize()).rejects.toMatchObject({
      code: 'authorization_server_not_found',
    })
    expect(storage.kind).toBe('indexeddb')
    expect(await storage.keys('pending:')).toEqual([])
    await first.disconnect()
    expect(await get(keys.tokens(a.options.resource), createStore(db, 'records'))).toBeUndefined()
  })

  test('AS metadata is stored with the fields the kit uses only, once for its issuer', async () => {
    const w = createWorld({
      as: { x_extension: { nested: { deeper: [1, 2, 3] } }, ui_locales_supported: ['en'] },
    })
    mock.use(...w.handlers)
    const storage = memoryStorage()
    await instance(storage, w).server(w.options.resource).authorize()
    expect(await storage.get(keys.tokens(w.options.resource))).not.toHaveProperty('as')
    const { as } = (await storage.get(keys.issuer(w.options.issuer))) as IssuerRecord
    expect(as).toMatchObject({ issuer: w.options.issuer })
    expect(as).not.toHaveProperty('x_extension')
    expect(as).not.toHaveProperty('ui_locales_supported')
    expect(Object.keys(as).sort()).toEqual(
      [
        'authorization_endpoint',
        'authorization_response_iss_parameter_supported',
        'code_challenge_methods_supported',
        'issuer',
        'registration_endpoint',
        'revocation_endpoint',
        'scopes_supported',
        'token_endpoint',
      ].sort(),
    )
  })

  test('an authorization whose tokens cannot be stored fails with storage_failed; what was stored stays', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const storage = memoryStorage()
    const handle = instance(storage, w).server(w.options.resource)
    await handle.authorize()
    const before = await storage.get(keys.tokens(w.options.resource))
    const token = await handle.getAccessToken()
    let writes = 0
    const failing: TokenStorage = {
      ...storage,
      kind: storage.kind,
      set: async (key, value) => {
        if (key.startsWith('tokens:') && ++writes === 1) {
          throw new DOMException('The disk is full', 'QuotaExceededError')
        }
        return storage.set(key, value)
      },
    }
    const same = instance(failing, w).server(w.options.resource)
    await expect(same.authorize()).rejects.toMatchObject({ code: 'storage_failed' })
    expect(same.getSnapshot().error?.code).toBe('storage_failed')
    expect(await storage.get(keys.tokens(w.options.resource))).toEqual(before)
    // The tokens that could not be kept were revoked; the stored ones still work.
    expect(w.revoked).toHaveLength(2)
    expect(await same.getAccessToken()).toBe(token)
  })
})

describe('a logout sticks even when its clear cannot be written', () => {
  async function authorizedOn(storage: TokenStorage) {
    const w = createWorld()
    mock.use(...w.handlers)
    const auth = instance(storage, w)
    const handle = auth.server(w.options.resource)
    await handle.authorize()
    return { w, handle }
  }

  test('disconnect() says the logout is not persisted, drops the tokens here, and still revokes them', async () => {
    const { storage, control } = instrumented(memoryStorage())
    const { w, handle } = await authorizedOn(storage)
    const stored = (await storage.get(keys.tokens(w.options.resource))) as TokenRecord
    control.failWrites = true
    const snapshot = await handle.disconnect()
    expect(snapshot).toMatchObject({
      status: 'disconnected',
      error: { code: 'storage_failed', name: 'McpAuthError' },
    })
    expect(handle.getSnapshot()).toBe(snapshot)
    expect(w.revoked).toEqual([stored.refreshToken, stored.accessToken])
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    const from = w.requests.length
    expect((await mcpCall(handle)).status).toBe(401)
    expect(w.requests.slice(from).map((r) => r.headers.get('authorization'))).toEqual([null])
    // The stored tokens are still there: a message from another tab does not bring them back.
    expect(await storage.get(keys.tokens(w.options.resource))).toEqual(stored)
    const channel = new BroadcastChannel(TAB_CHANNEL)
    channel.postMessage({ resource: handle.url, change: 'tokens', generation: 1, revision: 'x' })
    channel.close()
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect(handle.getSnapshot().status).toBe('disconnected')
  })

  test('a second disconnect() persists the logout after an earlier failed one', async () => {
    const { storage, control } = instrumented(memoryStorage())
    const { w, handle } = await authorizedOn(storage)
    control.failWrites = true
    expect((await handle.disconnect()).error?.code).toBe('storage_failed')
    control.failWrites = false
    const snapshot = await handle.disconnect()
    expect(snapshot.status).toBe('disconnected')
    expect(snapshot).not.toHaveProperty('error')
    expect(await storage.get(keys.tokens(w.options.resource))).toBeUndefined()
  })
})

describe('rotated refresh tokens survive a failed write', () => {
  test('the refreshed tokens stay in use, a re-read keeps them, the failure is reported, and the next refresh stores its own', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const { storage, control, counts } = instrumented(memoryStorage())
    const handle = instance(storage, w).server(w.options.resource)
    await handle.authorize()
    const old = (await storage.get(keys.tokens(w.options.resource))) as TokenRecord
    // The resource stops taking the access token: the call refreshes (rotating the refresh token).
    w.accessTokens.delete(old.accessToken)
    control.failWrites = true
    const response = await mcpCall(handle)
    expect(response.status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(handle.getSnapshot()).toMatchObject({
      status: 'authorized',
      error: { code: 'storage_failed' },
    })
    const fresh = await handle.getAccessToken()
    expect(fresh).not.toBe(old.accessToken)
    expect(await storage.get(keys.tokens(w.options.resource))).toEqual(old)
    const readsBefore = counts.reads
    // Another tab's message makes this tab re-read: the store's older tokens do not come back.
    const channel = new BroadcastChannel(TAB_CHANNEL)
    channel.postMessage({ resource: handle.url, change: 'tokens', generation: 9, revision: 'r' })
    channel.close()
    await until(() => counts.reads > readsBefore)
    expect(await handle.getAccessToken()).toBe(fresh)
    // Storage works again: the next refresh spends the rotated refresh token and stores its own.
    control.failWrites = false
    w.accessTokens.delete(fresh)
    expect((await mcpCall(handle)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(2)
    const stored = (await storage.get(keys.tokens(w.options.resource))) as TokenRecord
    expect(stored.accessToken).not.toBe(fresh)
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorized' })
    expect(handle.getSnapshot()).not.toHaveProperty('error')
    // After a reload the stored refresh token is the live one.
    const reloaded = instance(storage, w).server(w.options.resource)
    expect(await reloaded.getAccessToken()).toBe(stored.accessToken)
    w.accessTokens.delete(stored.accessToken)
    expect((await mcpCall(reloaded)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(3)
    expect(reloaded.getSnapshot()).not.toHaveProperty('error')
  })

  test('a refresh while the store can be neither read nor written: the rotated tokens stay in use', async () => {
    const w = createWorld({ accessTokenTtl: 0 })
    mock.use(...w.handlers)
    const { storage, control } = instrumented(memoryStorage())
    const handle = instance(storage, w).server(w.options.resource)
    await handle.authorize()
    const old = (await storage.get(keys.tokens(w.options.resource))) as TokenRecord
    control.failReads = true
    control.failWrites = true
    const fresh = await handle.getAccessToken()
    expect(fresh).not.toBe(old.accessToken)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(handle.getSnapshot()).toMatchObject({
      status: 'authorized',
      error: { code: 'storage_failed' },
    })
    // The spent refresh token is not tried again: the next refresh uses the rotated one.
    control.failReads = false
    control.failWrites = false
    const next = await handle.getAccessToken()
    expect(w.grants('refresh_token')).toHaveLength(2)
    expect(((await storage.get(keys.tokens(w.options.resource))) as TokenRecord).accessToken).toBe(
      next,
    )
  })
})
