import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { TokenStorage } from '../contracts/storage.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

// A call sent at once, with the tokens in memory, only when nothing is about to change them:
// not while another tab's change is being read, not once a disconnect was asked for. And the
// answers and failures of that call are read as any other's.

const mock = useMockServer()

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })

/** A fetch that records the Authorization of every call to the MCP server, and answers 200. */
function recording(resource: string, answer = () => Response.json({ jsonrpc: '2.0', id: 1 })) {
  const sent: (string | null)[] = []
  const fetchFn = (async (input: RequestInfo | URL, given?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(resource)) return fetch(input, given)
    const headers = new Headers(input instanceof Request ? input.headers : given?.headers)
    sent.push(headers.get('authorization'))
    return answer()
  }) as typeof fetch
  return { sent, fetchFn }
}

/** `inner`, whose reads wait while `held` is set; `reads` counts them. */
function holdable(inner: TokenStorage) {
  const state = { held: false, reads: 0, release: () => {} }
  let gate = Promise.resolve()
  const hold = () => {
    state.held = true
    gate = new Promise<void>((resolve) => {
      state.release = () => {
        state.held = false
        resolve()
      }
    })
  }
  const storage = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (typeof value !== 'function' || !['get', 'getMany', 'entries'].includes(String(name)))
        return value
      return async (...args: unknown[]) => {
        state.reads++
        if (state.held) await gate
        return value.apply(target, args)
      }
    },
  })
  return { storage, state, hold }
}

describe('the tokens in memory are sent at once only when nothing is about to change them', () => {
  test('another tab’s logout being read: the call waits for it and carries no token', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { sent, fetchFn } = recording(handle.url)
    const gated = holdable(storage)
    const tab2 = createMcpAuth({
      redirectUri: REDIRECT,
      storage: gated.storage,
      driver: w.driver(),
      fetch: fetchFn,
    })
    const other = tab2.server(handle.url)
    await other.fetch(other.url, init())
    expect(sent[0]).toMatch(/^Bearer /)
    // The other tab's re-read waits at the store, after the message came.
    gated.hold()
    const reads = gated.state.reads
    await handle.disconnect()
    await until(() => gated.state.reads > reads)
    const call = other.fetch(other.url, init())
    gated.state.release()
    expect((await call).status).toBe(200)
    expect(sent).toEqual([sent[0], null])
    tab2.dispose()
  })

  test('a disconnect asked for in the same turn: the call carries no token', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { sent, fetchFn } = recording(handle.url)
    const server = setupWorld(mock, w, { storage, auth: { fetch: fetchFn } }).handle
    await server.fetch(server.url, init())
    const out = server.disconnect()
    const call = server.fetch(server.url, init())
    await out
    await call
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatch(/^Bearer /)
    expect(sent[1]).toBeNull()
  })

  test('a 403 without a challenge is not refreshed for: one send', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    let status = 200
    const { sent, fetchFn } = recording(handle.url, () => new Response(null, { status }))
    const server = setupWorld(mock, w, { storage, auth: { fetch: fetchFn } }).handle
    await server.fetch(server.url, init())
    status = 403
    expect((await server.fetch(server.url, init())).status).toBe(403)
    expect(sent).toHaveLength(2)
    expect(w.grants('refresh_token')).toHaveLength(0)
  })

  test('a Request whose body was read fails offline: network_error, as any call', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    let offline = false
    const { fetchFn } = recording(handle.url, () => {
      if (offline) throw new TypeError('Failed to fetch')
      return new Response(null)
    })
    const server = setupWorld(mock, w, { storage, auth: { fetch: fetchFn } }).handle
    await server.fetch(server.url, init())
    offline = true
    const request = new Request(server.url, { method: 'POST', body: BODY })
    await expect(server.fetch(request)).rejects.toMatchObject({ code: 'network_error' })
  })
})
