import { createWorld, deferred, useMockServer, type World } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { TokenRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { TAB_CHANNEL } from '../coordination/tab-messages.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

const RESOURCE = 'https://mcp.example.com/mcp'
const tokensKey = keys.tokens(RESOURCE)
const generationKey = keys.generation(RESOURCE)

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2))
}

/** Another instance (another tab, or after a reload) on the same storage. */
const reload = (w: World, storage: TokenStorage, more = {}) =>
  createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver(), ...more }).server(RESOURCE)

async function authorized(world: Parameters<typeof createWorld>[0] = {}) {
  const w = createWorld(world)
  const kit = setupWorld(mock, w)
  await kit.handle.authorize()
  const record = (await kit.storage.get(tokensKey)) as TokenRecord
  return { w, ...kit, record }
}

describe('getAccessToken', () => {
  test('without tokens it refuses', async () => {
    const { handle } = setupWorld(mock, createWorld())
    await expect(handle.getAccessToken()).rejects.toMatchObject({
      code: 'not_authorized',
      message: 'This server is not authorized',
    })
  })

  test('a token exactly at the refresh skew is refreshed', async () => {
    const { w, handle, record } = await authorized()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(record.expiresAt! - 60_000)
    const fresh = await handle.getAccessToken()
    expect(fresh).not.toBe(record.accessToken)
    expect(w.grants('refresh_token')).toHaveLength(1)
  })

  test('expiring without a refresh token: the tokens are removed and the generation bumped', async () => {
    const { w, storage, record } = await authorized()
    const { refreshToken: _refresh, ...noRefresh } = record
    await storage.set(tokensKey, { ...noRefresh, expiresAt: Date.now() - 1000 })
    const generation = (await storage.get(generationKey)) as number
    const other = reload(w, storage)
    await expect(other.getAccessToken()).rejects.toMatchObject({
      code: 'not_authorized',
      message: 'The access token expired and there is no refresh token',
    })
    expect(await storage.get(tokensKey)).toBeUndefined()
    expect(await storage.get(generationKey)).toBe(generation + 1)
    expect(other.getSnapshot().status).toBe('needs-authorization')
    expect(w.grants('refresh_token')).toHaveLength(0)
  })

  test('tokens removed from the store meanwhile: the refresh finds nothing and says so', async () => {
    const { w, storage, record } = await authorized()
    await storage.set(tokensKey, { ...record, expiresAt: Date.now() - 1000 })
    const other = reload(w, storage)
    await other.probe()
    await storage.delete(tokensKey)
    await expect(other.getAccessToken()).rejects.toMatchObject({
      code: 'not_authorized',
      message: 'The authorization was removed',
    })
    expect(other.getSnapshot().status).toBe('needs-authorization')
    expect(w.grants('refresh_token')).toHaveLength(0)
  })
})

describe('refresh', () => {
  test('a token replaced elsewhere is used as it is, without a refresh', async () => {
    const { w, storage, handle, record } = await authorized()
    const seen: (string | null)[] = []
    mock.use(
      http.post(`${RESOURCE}/x`, async ({ request }) => {
        seen.push(request.headers.get('authorization'))
        if (seen.length === 1) {
          // Another tab, without telling this one, refreshed meanwhile.
          await storage.set(tokensKey, { ...record, accessToken: 'at-elsewhere' })
          return new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          })
        }
        return new HttpResponse(null, { status: 500 })
      }),
    )
    expect((await handle.fetch(`${RESOURCE}/x`, { method: 'POST' })).status).toBe(500)
    expect(seen).toEqual([`Bearer ${record.accessToken}`, 'Bearer at-elsewhere'])
    expect(w.grants('refresh_token')).toHaveLength(0)
    expect(handle.getSnapshot().status).toBe('authorized')
  })

  test('a clear that happened during the refresh wins: nothing is written back', async () => {
    const { w, storage, record } = await authorized()
    await storage.set(tokensKey, { ...record, expiresAt: Date.now() - 1000 })
    const other = reload(w, storage)
    await other.probe()
    mock.use(
      http.post(/\/token$/, async () => {
        // A tab without the Locks API disconnects while the refresh is at the token endpoint.
        await storage.delete(tokensKey)
        await storage.set(generationKey, ((await storage.get(generationKey)) as number) + 1)
        return undefined
      }),
    )
    await expect(other.getAccessToken()).rejects.toMatchObject({
      code: 'not_authorized',
      message: 'The authorization was removed',
    })
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(await storage.get(tokensKey)).toBeUndefined()
    expect(other.getSnapshot().error).toBeUndefined()
  })

  test('invalid_grant removes the tokens, bumps the generation and reports the error', async () => {
    const { w, storage, record } = await authorized({ refresh: 'invalid_grant' })
    const generation = (await storage.get(generationKey)) as number
    await storage.set(tokensKey, { ...record, expiresAt: Date.now() - 1000 })
    const other = reload(w, storage)
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' })
    expect(await storage.get(tokensKey)).toBeUndefined()
    expect(await storage.get(generationKey)).toBe(generation + 1)
    expect(other.getSnapshot()).toMatchObject({
      status: 'needs-authorization',
      error: { code: 'invalid_grant' },
    })
  })

  test('another refusal keeps the tokens and the status authorized, with the error', async () => {
    const { storage, handle, record } = await authorized({ accessTokenTtl: 0 })
    mock.use(
      http.post(/\/token$/, () => HttpResponse.json({ error: 'invalid_client' }, { status: 400 })),
    )
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'token_request_failed' })
    expect(await storage.get(tokensKey)).toEqual(record)
    expect(handle.getSnapshot()).toMatchObject({
      status: 'authorized',
      error: { code: 'token_request_failed' },
    })
  })

  test('a refreshed access token that cannot go in a header is refused; the stored tokens stay', async () => {
    const { storage, handle, record } = await authorized({ accessTokenTtl: 0 })
    mock.use(
      http.post(/\/token$/, () =>
        HttpResponse.json({ access_token: 'at\r\nX-Evil: 1', token_type: 'Bearer' }),
      ),
    )
    await expect(handle.getAccessToken()).rejects.toMatchObject({
      code: 'token_request_failed',
      details: { attribute: 'access_token' },
    })
    expect(await storage.get(tokensKey)).toEqual(record)
    expect(handle.getSnapshot().error?.code).toBe('token_request_failed')
  })

  test('an expires_in of 1e308 stores no expiry, never Infinity', async () => {
    const { storage, handle } = await authorized({ accessTokenTtl: 0 })
    mock.use(
      http.post(/\/token$/, () =>
        HttpResponse.json({ access_token: 'fresh', token_type: 'Bearer', expires_in: 1e308 }),
      ),
    )
    expect(await handle.getAccessToken()).toBe('fresh')
    expect(await storage.get(tokensKey)).not.toHaveProperty('expiresAt')
    expect(handle.getSnapshot()).not.toHaveProperty('expiresAt')
  })

  test('a success clears the last error; an answer without expires_in drops the old expiry', async () => {
    const { storage, handle, w } = await authorized({ accessTokenTtl: 0 })
    handle.reportCorrupt('client:x')
    const first = await handle.getAccessToken()
    expect(handle.getSnapshot().error).toBeUndefined()
    const refreshed = (await storage.get(tokensKey)) as TokenRecord
    expect(refreshed.accessToken).toBe(first)
    expect(refreshed.expiresAt).toEqual(expect.any(Number))
    expect(handle.getSnapshot().expiresAt).toBe(refreshed.expiresAt)
    w.options.accessTokenTtl = undefined as unknown as number
    const second = await handle.getAccessToken()
    expect(second).not.toBe(first)
    const last = (await storage.get(tokensKey)) as TokenRecord
    expect(last.accessToken).toBe(second)
    expect(last).not.toHaveProperty('expiresAt')
    expect(handle.getSnapshot()).not.toHaveProperty('expiresAt')
    expect(await handle.getAccessToken()).toBe(second)
  })

  test('runs under a Web Lock named for the resource', async () => {
    const names: string[] = []
    vi.stubGlobal('navigator', {
      locks: {
        request: (name: string, _options: unknown, task: () => Promise<unknown>) => {
          names.push(name)
          return task()
        },
      },
    })
    const { handle } = await authorized({ accessTokenTtl: 0 })
    names.length = 0
    await handle.getAccessToken()
    expect(names).toEqual([`mcp-oauth:refresh:${RESOURCE}`])
  })
})

describe('static tokens and disconnect', () => {
  test('a typed token is stored with no scopes', async () => {
    const w = createWorld({ prm: null, as: null, challenge: 'Bearer' })
    const { handle, storage } = setupWorld(mock, w)
    await handle.probe()
    const snapshot = await handle.submitToken('typed')
    expect(snapshot.scopes).toEqual([])
    expect(((await storage.get(tokensKey)) as TokenRecord).scopes).toEqual([])
  })

  test('disconnect bumps the generation once and revokes what memory held if the store lost it', async () => {
    const { w, storage, handle, record } = await authorized()
    const generation = (await storage.get(generationKey)) as number
    await storage.delete(tokensKey)
    const snapshot = await handle.disconnect()
    expect(await storage.get(generationKey)).toBe(generation + 1)
    expect(w.revoked).toEqual([record.refreshToken, record.accessToken])
    expect(snapshot.revocation).toMatchObject({ accessToken: 'revoked', refreshToken: 'revoked' })
  })

  test('an authorization overtaken by a disconnect is refused, and says why', async () => {
    const w = createWorld()
    const gate = deferred()
    let navigating = 0
    const { handle, storage } = setupWorld(mock, w, {
      auth: {
        driver: async (request) => {
          navigating += 1
          await gate.promise
          return w.driver()(request)
        },
      },
    })
    const authorizing = handle.authorize()
    await until(() => navigating === 1)
    await handle.disconnect()
    gate.resolve()
    await expect(authorizing).rejects.toMatchObject({
      code: 'cancelled',
      message: 'A later disconnect won: the tokens of this authorization were not kept',
      details: { superseded: true },
    })
    expect(await storage.get(tokensKey)).toBeUndefined()
  })
})

describe('the stored generation', () => {
  test.each(['junk', 1.5, -0.5])('an unreadable value (%s) counts as 0', async (value) => {
    const w = createWorld()
    const storage = memoryStorage()
    await storage.set(generationKey, value)
    const { handle } = setupWorld(mock, w, { storage })
    await handle.authorize()
    expect(await storage.get(generationKey)).toBe(1)
  })

  test('a storage that fails to read it counts it as 0', async () => {
    const w = createWorld()
    const inner = memoryStorage()
    const storage: TokenStorage = {
      ...inner,
      kind: inner.kind,
      get: async (key) => {
        if (key === generationKey) throw new Error('unreadable')
        return inner.get(key)
      },
    }
    const { handle } = setupWorld(mock, w, { storage })
    expect((await handle.authorize()).status).toBe('authorized')
    expect(await inner.get(generationKey)).toBe(1)
  })
})

describe('listening to other tabs', () => {
  test('without BroadcastChannel and without a document, tokens still load', async () => {
    const { w, storage } = await authorized()
    vi.stubGlobal('BroadcastChannel', undefined)
    vi.stubGlobal('document', undefined)
    expect((await reload(w, storage).probe()).status).toBe('authorized')
  })

  test('without BroadcastChannel and a document without events, tokens still load', async () => {
    const { w, storage } = await authorized()
    vi.stubGlobal('BroadcastChannel', undefined)
    vi.stubGlobal('document', {})
    expect((await reload(w, storage).probe()).status).toBe('authorized')
  })

  test('a BroadcastChannel without unref (a browser) is used as it is', async () => {
    const { w, storage } = await authorized()
    const opened: string[] = []
    class PageChannel {
      onmessage: ((event: MessageEvent) => void) | null = null
      constructor(name: string) {
        opened.push(name)
      }
      postMessage() {}
      close() {}
    }
    vi.stubGlobal('BroadcastChannel', PageChannel)
    expect((await reload(w, storage).probe()).status).toBe('authorized')
    expect(opened).toEqual([TAB_CHANNEL])
  })
})
