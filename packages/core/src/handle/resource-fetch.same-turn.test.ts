import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { setupWorld } from '../test-support/harness.js'

// When a call leaves: with a fresh token in memory, in the turn server.fetch was called, as a
// fetch written by hand would. And what the platform's fetch refuses stays the app's error.

const mock = useMockServer()

/**
 * A page reloaded on stored tokens, whose fetch checks a call as the platform's does (what
 * `new Request()` refuses, it rejects with, and sends nothing), then answers at once.
 */
async function reloaded() {
  const w = createWorld()
  const { handle, storage } = setupWorld(mock, w)
  await handle.authorize()
  const sent: RequestInit[] = []
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    new Request(input, init)
    sent.push(init)
    return Response.json({ jsonrpc: '2.0', id: 1 })
  }) as typeof fetch
  const server = setupWorld(mock, w, { storage, auth: { fetch: fetchFn } }).handle
  await server.getAccessToken()
  return { server, sent }
}

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })

describe('a call with a fresh token', () => {
  test('reaches fetch in the turn server.fetch was called, with its token', async () => {
    const { server, sent } = await reloaded()
    for (let i = 1; i <= 3; i++) {
      const answer = server.fetch(server.url, init())
      // Nothing awaited yet: the request is already on its way.
      expect(sent).toHaveLength(i)
      expect((sent[i - 1]!.headers as Record<string, string>).authorization).toMatch(/^Bearer /)
      expect((await answer).status).toBe(200)
    }
    expect(server.getSnapshot().status).toBe('authorized')
    expect(server.getSnapshot().error).toBeUndefined()
  })

  test('a header name fetch refuses: fetch’s TypeError, nothing sent, nothing reported', async () => {
    const { server, sent } = await reloaded()
    const calls = sent.length
    const { status } = server.getSnapshot()
    const refused = server.fetch(server.url, { ...init(), headers: { 'bad name': 'x' } })
    await expect(refused).rejects.toThrow(TypeError)
    await expect(refused).rejects.not.toHaveProperty('code')
    expect(sent).toHaveLength(calls)
    expect(server.getSnapshot().status).toBe(status)
    expect(server.getSnapshot().error).toBeUndefined()
  })

  test('a call fetch refuses outright rejects, as fetch does, and never throws', async () => {
    const { server, sent } = await reloaded()
    const calls = sent.length
    let answer: Promise<Response> | undefined
    expect(() => {
      answer = server.fetch(server.url, { method: 'not a method' })
    }).not.toThrow()
    await expect(answer).rejects.toThrow(TypeError)
    expect(sent).toHaveLength(calls)
    expect(server.getSnapshot().error).toBeUndefined()
  })
})
