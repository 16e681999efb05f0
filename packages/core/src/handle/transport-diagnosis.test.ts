import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { McpAuthError } from '../errors.js'
import { keys } from '../storage/records.js'
import { mcpCall, setupWorld } from '../test-support/harness.js'

// A request that fails at the network level is told apart: CORS (the host answers a no-cors
// request) or offline (it does not), for MCP requests and revocation as for the other steps.
const mock = useMockServer()

afterEach(() => {
  vi.unstubAllGlobals()
})

/**
 * From now on the page is a browser page on another origin, and requests to `failing` fail
 * like a browser's fetch: a TypeError. Its no-cors check answers opaquely when `reachable`.
 */
function browserFailing(failing: (url: string) => boolean, reachable: boolean) {
  const realFetch = globalThis.fetch
  const checks: string[] = []
  vi.stubGlobal('document', {})
  vi.stubGlobal('location', { origin: 'https://app.example', href: 'https://app.example/' })
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    if (init?.mode === 'no-cors') {
      checks.push(url)
      if (!reachable) throw new TypeError('Failed to fetch')
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    }
    if (failing(url)) throw new TypeError('Failed to fetch')
    return realFetch(input, init)
  })
  return checks
}

async function authorized() {
  const w = createWorld()
  const kit = setupWorld(mock, w)
  await kit.handle.authorize()
  return { w, ...kit }
}

describe('server.fetch that fails at the network level', () => {
  test('CORS: rejects with cors_blocked for the MCP step, the original error as cause; tokens stay', async () => {
    const { handle, storage } = await authorized()
    const checks = browserFailing((url) => url.startsWith(handle.url), true)
    const error = await mcpCall(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({
      code: 'cors_blocked',
      transient: false,
      details: { url: handle.url, step: 'MCP' },
    })
    expect((error as Error).cause).toBeInstanceOf(TypeError)
    expect((error as Error).message).toContain('MCP request')
    expect(checks).toEqual([handle.url])
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorized' })
    expect(handle.getSnapshot().error?.code).toBe('cors_blocked')
    expect(await storage.get(keys.tokens(handle.url))).toBeDefined()

    // The next answer from the server clears the report.
    vi.unstubAllGlobals()
    expect((await mcpCall(handle)).status).toBe(200)
    expect(handle.getSnapshot().error).toBeUndefined()
  })

  test('offline: network_error (transient), reported, tokens kept', async () => {
    const { handle, storage } = await authorized()
    browserFailing((url) => url.startsWith(handle.url), false)
    await expect(mcpCall(handle)).rejects.toMatchObject({ code: 'network_error', transient: true })
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorized' })
    expect(handle.getSnapshot().error?.code).toBe('network_error')
    expect(await storage.get(keys.tokens(handle.url))).toBeDefined()
  })

  test('before any authorization too: the unauthenticated request is diagnosed', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    browserFailing((url) => url.startsWith(handle.url), true)
    await expect(mcpCall(handle)).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { step: 'MCP' },
    })
  })

  test('an aborted request rejects with its abort reason, not a network error', async () => {
    const { handle } = await authorized()
    const controller = new AbortController()
    controller.abort()
    const error = await handle
      .fetch(handle.url, { method: 'POST', body: '{}', signal: controller.signal })
      .catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(McpAuthError)
    expect((error as Error).name).toBe('AbortError')
    expect(handle.getSnapshot().error).toBeUndefined()
  })

  test('a request to another URL is not this server’s: passed through, not reported', async () => {
    const { handle } = await authorized()
    browserFailing((url) => url.startsWith('https://elsewhere.example'), true)
    await expect(handle.fetch('https://elsewhere.example/x')).rejects.toBeInstanceOf(TypeError)
    expect(handle.getSnapshot().error).toBeUndefined()
  })
})

describe('revocation that fails at the network level', () => {
  test('CORS: the report says cors_blocked for the revocation step; the tokens are cleared', async () => {
    const { w, handle, storage } = await authorized()
    browserFailing((url) => url.endsWith('/revoke'), true)
    const snapshot = await handle.disconnect()
    expect(snapshot.status).toBe('disconnected')
    expect(snapshot.revocation).toMatchObject({ accessToken: 'failed', refreshToken: 'failed' })
    expect(snapshot.revocation?.error).toMatchObject({
      code: 'cors_blocked',
      details: { url: `${w.options.issuer}/revoke`, step: 'revocation' },
    })
    expect(snapshot.revocation?.error?.message).toContain('revocation request')
    expect(await storage.get(keys.tokens(handle.url))).toBeUndefined()
  })

  test('offline: network_error in the report', async () => {
    const { handle } = await authorized()
    browserFailing((url) => url.endsWith('/revoke'), false)
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation?.error?.code).toBe('network_error')
  })

  test('an answer, even an error, is not a transport failure: no error in the report', async () => {
    const w = createWorld({ revocation: 'server-error' })
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toMatchObject({ accessToken: 'failed' })
    expect(snapshot.revocation).not.toHaveProperty('error')
  })
})
