import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { TokenStorage } from '../contracts/storage.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

// What a call costs the page once a server is authorized: counts, never times (the Chromium
// figures are in `npm run bench`).

const mock = useMockServer()
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

/** A storage that counts every operation on it. */
function countingStorage(inner: TokenStorage) {
  const counts = { get: 0, set: 0, delete: 0, keys: 0 }
  const storage: TokenStorage = {
    kind: inner.kind,
    get(key) {
      counts.get++
      return inner.get(key)
    },
    set(key, value) {
      counts.set++
      return inner.set(key, value)
    },
    delete(key) {
      counts.delete++
      return inner.delete(key)
    },
    keys(prefix) {
      counts.keys++
      return inner.keys(prefix)
    },
  }
  return { storage, counts }
}

/**
 * Spies on what a call may do besides sending: requests built, copies, body reads, locks,
 * crypto, timers.
 */
function watchPlatform() {
  const request = Request.prototype
  const built = vi.fn()
  vi.stubGlobal(
    'Request',
    new Proxy(Request, {
      construct(target, args, newTarget) {
        built()
        return Reflect.construct(target, args, newTarget)
      },
    }),
  )
  const spies = {
    requests: [built],
    clones: [vi.spyOn(request, 'clone')],
    bodyReads: (['text', 'arrayBuffer', 'json', 'blob', 'formData'] as const).map((name) =>
      vi.spyOn(request, name),
    ),
    crypto: [
      ...(['sign', 'digest', 'generateKey', 'importKey', 'exportKey'] as const).map((name) =>
        vi.spyOn(crypto.subtle, name),
      ),
      vi.spyOn(crypto, 'getRandomValues'),
      vi.spyOn(crypto, 'randomUUID'),
    ],
    timers: [vi.spyOn(globalThis, 'setTimeout'), vi.spyOn(globalThis, 'setInterval')],
    locks: [vi.fn((_name: string, _options: unknown, task: () => unknown) => task())],
  }
  vi.stubGlobal('navigator', { locks: { request: spies.locks[0] } })
  const total = (list: { mock: { calls: unknown[] } }[]) =>
    list.reduce((sum, spy) => sum + spy.mock.calls.length, 0)
  return () => ({
    requests: total(spies.requests),
    clones: total(spies.clones),
    bodyReads: total(spies.bodyReads),
    crypto: total(spies.crypto),
    timers: total(spies.timers),
    locks: total(spies.locks),
  })
}

/** A page reloaded on stored tokens, whose fetch answers at once: only the kit's work counts. */
async function reloadedWithFastFetch(
  answer: (request: Request) => Response = () => Response.json({ jsonrpc: '2.0', id: 1 }),
) {
  const w = createWorld()
  const kit = setupWorld(mock, w)
  await kit.handle.authorize()
  const { storage, counts } = countingStorage(kit.storage)
  const sent: { url: string; authorization: string | null; body: string }[] = []
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const { url, headers } = request
    sent.push({ url, authorization: headers.get('authorization'), body: await request.text() })
    return answer(request)
  }
  const auth = createMcpAuth({ redirectUri: REDIRECT, storage, fetch: fetchFn, driver: w.driver() })
  const server = auth.server(kit.handle.url)
  await server.getAccessToken()
  return { server, counts, sent }
}

describe('a call with a fresh token', () => {
  test('server.fetch builds no Request, copies nothing, reads no body, and uses no storage, lock, crypto or timer', async () => {
    const { server, counts, sent } = await reloadedWithFastFetch()
    const storageBefore = { ...counts }
    // Spied from here: the fake fetch above reads the body it is sent, in a Request of its own.
    const seen = watchPlatform()
    const requests = () => seen().requests - sent.length
    const bodyReads = () => seen().bodyReads - sent.length
    for (let i = 0; i < 10; i++) {
      const response = await mcpCall(server)
      expect(response.status).toBe(200)
    }
    expect(sent).toHaveLength(10)
    for (const call of sent) expect(call.authorization).toMatch(/^Bearer at-/)
    expect({ ...seen(), requests: requests(), bodyReads: bodyReads() }).toEqual({
      requests: 0,
      clones: 0,
      bodyReads: 0,
      crypto: 0,
      timers: 0,
      locks: 0,
    })
    expect(counts).toEqual(storageBefore)
  })

  test('the MCP SDK transport (a URL and a string body) costs the same: nothing copied or read', async () => {
    const { server, sent } = await reloadedWithFastFetch()
    const seen = watchPlatform()
    const headers = new Headers({ 'content-type': 'application/json' })
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    await server.fetch(new URL(server.url), { method: 'POST', headers, body, redirect: 'manual' })
    expect(sent).toEqual([
      { url: server.url, authorization: expect.stringMatching(/^Bearer /), body },
    ])
    // The fake fetch's own Request, and its read of what it was sent.
    expect(seen()).toMatchObject({ requests: 1, clones: 0, bodyReads: 1 })
  })
})

describe('a body that is not a string', () => {
  test('is read once, then sent with the content type its kind set, on the first send and the retry', async () => {
    let refused = false
    const types: (string | null)[] = []
    const { server, sent } = await reloadedWithFastFetch((request) => {
      if (request.url.endsWith('/token')) {
        return Response.json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 3600 })
      }
      types.push(request.headers.get('content-type'))
      if (refused) return Response.json({ ok: true })
      refused = true
      return new Response(null, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      })
    })
    const form = new URLSearchParams({ a: '1' })
    const response = await server.fetch(server.url, {
      method: 'POST',
      headers: { 'x-app': 'yes' },
      body: form,
    })
    expect(response.status).toBe(200)
    const calls = sent.filter((call) => !call.url.endsWith('/token'))
    expect(calls.map((call) => call.body)).toEqual(['a=1', 'a=1'])
    expect(types).toEqual([
      'application/x-www-form-urlencoded;charset=UTF-8',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ])
  })
})

describe('a retry sends the same body again without a copy', () => {
  test('a 401 invalid_token: one refresh, one retry with the same body, nothing cloned', async () => {
    let refused = false
    const { server, sent } = await reloadedWithFastFetch((request) => {
      if (request.url.endsWith('/token')) {
        return Response.json({ access_token: 'at-new', token_type: 'Bearer', expires_in: 3600 })
      }
      if (refused) return Response.json({ ok: true })
      refused = true
      return Response.json(
        {},
        { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      )
    })
    const seen = watchPlatform()
    const response = await mcpCall(server, 'tools/call', { name: 'echo' })
    expect(response.status).toBe(200)
    const calls = sent.filter((call) => !call.url.endsWith('/token'))
    expect(calls.map((call) => call.authorization)).toEqual([
      expect.stringMatching(/^Bearer at-/),
      'Bearer at-new',
    ])
    expect(calls[1]!.body).toBe(calls[0]!.body)
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ params: { name: 'echo' } })
    expect(seen().clones).toBe(0)
  })

  test('a 307 inside the resource: the body goes along, nothing cloned', async () => {
    const { server, sent } = await reloadedWithFastFetch((request) =>
      request.url.endsWith('/moved')
        ? Response.json({ ok: true })
        : new Response(null, { status: 307, headers: { location: `${request.url}/moved` } }),
    )
    const seen = watchPlatform()
    const response = await mcpCall(server, 'tools/list')
    expect(response.status).toBe(200)
    expect(sent.map((call) => call.url)).toEqual([server.url, `${server.url}/moved`])
    expect(sent[1]!.body).toBe(sent[0]!.body)
    expect(sent[1]!.authorization).toBe(sent[0]!.authorization)
    expect(seen().clones).toBe(0)
  })
})
