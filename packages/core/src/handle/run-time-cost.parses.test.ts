import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { setupWorld } from '../test-support/harness.js'

// What a call costs the page besides what run-time-cost.test.ts counts: URL parses and Headers,
// the two platform objects that made most of the kit's own work per call.

const mock = useMockServer()
afterEach(() => {
  vi.unstubAllGlobals()
})

/** Counts what `new` builds of the global `name` from here on. */
function constructions(name: 'Headers' | 'URL') {
  const built = vi.fn()
  vi.stubGlobal(
    name,
    new Proxy(globalThis[name], {
      construct(target, args, newTarget) {
        built()
        return Reflect.construct(target, args, newTarget)
      },
    }),
  )
  return () => built.mock.calls.length
}

/** A page reloaded on stored tokens, whose fetch answers at once and builds nothing itself. */
async function reloaded() {
  const w = createWorld()
  const { handle, storage } = setupWorld(mock, w)
  await handle.authorize()
  const sent: RequestInit[] = []
  const answer = Response.json({ jsonrpc: '2.0', id: 1 })
  const fetchFn = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
    sent.push(init)
    return answer
  }) as typeof fetch
  const server = setupWorld(mock, w, { storage, auth: { fetch: fetchFn } }).handle
  await server.getAccessToken()
  return { server, sent }
}

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })

describe('a call with a fresh token parses no URL and builds no Headers', () => {
  test('headers as a record: fetch is given a record with the token', async () => {
    const { server, sent } = await reloaded()
    const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: BODY }
    // The first call parses its URL and the resource's: each string once, for every call after.
    await server.fetch(server.url, init)
    const urls = constructions('URL')
    const headers = constructions('Headers')
    for (let i = 0; i < 10; i++) await server.fetch(server.url, init)
    expect({ urls: urls(), headers: headers() }).toEqual({ urls: 0, headers: 0 })
    expect(sent).toHaveLength(11)
    for (const given of sent) {
      expect(given.headers).not.toBeInstanceOf(Headers)
      expect(given.headers).toEqual({
        'content-type': 'application/json',
        authorization: expect.stringMatching(/^Bearer at-/),
      })
    }
    expect(init.headers).toEqual({ 'Content-Type': 'application/json' })
  })

  test('what the MCP SDK transport passes (a URL and a Headers): read, not copied', async () => {
    const { server, sent } = await reloaded()
    const url = new URL(server.url)
    const given = new Headers({ 'content-type': 'application/json', accept: 'text/event-stream' })
    const call = () => server.fetch(url, { method: 'POST', headers: given, body: BODY })
    await call()
    const urls = constructions('URL')
    const headers = constructions('Headers')
    for (let i = 0; i < 10; i++) await call()
    expect({ urls: urls(), headers: headers() }).toEqual({ urls: 0, headers: 0 })
    expect(sent.at(-1)!.headers).toEqual({
      accept: 'text/event-stream',
      'content-type': 'application/json',
      authorization: expect.stringMatching(/^Bearer at-/),
    })
    expect(given.has('authorization')).toBe(false)
  })
})
