import { createWorld, deferred, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'
import { contexts } from '../tracing.js'
import { describeEvent, EVENT_TEXT } from './describe.js'
import { subscribeEvents } from './subscribe.js'
import type { McpAuthEvent, McpAuthEventType } from './types.js'

const mock = useMockServer()

/** Every event of `auth` from now on, and a way to find them by type. */
function record(auth: Parameters<typeof subscribeEvents>[0]) {
  const events: McpAuthEvent[] = []
  const stop = subscribeEvents(auth, (event) => events.push(event))
  const of = <T extends McpAuthEventType>(type: T) =>
    events.filter((e): e is Extract<McpAuthEvent, { type: T }> => e.type === type)
  return { events, stop, of, types: () => events.map((e) => e.type) }
}

describe('one event per protocol step', () => {
  test('probe, challenge, metadata, registration, window, token, in this order', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    const { events, of, types } = record(auth)
    // The head start of the first AS metadata URL never ends here: only answers decide.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await handle.probe()
      await handle.authorize()
    } finally {
      vi.useRealTimers()
    }
    expect(types().filter((t) => t !== 'status')).toEqual([
      'probe',
      'challenge',
      'resource-metadata',
      'authorization-server-metadata',
      'registration',
      'authorization',
      'authorization',
      'token',
    ])
    for (const event of events) {
      expect(event.server).toBe(w.options.resource)
      expect(event.at).toBeGreaterThan(0)
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    expect(of('probe')[0]).toMatchObject({
      url: w.options.resource,
      httpStatus: 401,
      result: 'unauthorized',
      requests: [{ method: 'POST', url: w.options.resource, status: 401 }],
    })
    expect(of('challenge')[0]).toMatchObject({
      hidden: false,
      scope: 'read',
      resourceMetadata: w.prmPathUrl,
    })
    expect(of('resource-metadata')[0]).toMatchObject({
      fallback: false,
      answered: w.prmPathUrl,
      httpStatus: 200,
      authorizationServers: [w.options.issuer],
    })
    // The RFC 8414 URL answers within its head start: the other candidate never goes out.
    const as = of('authorization-server-metadata')[0]!
    expect(as.answered).toBe(`${w.options.issuer}/.well-known/oauth-authorization-server`)
    expect(as.requests?.map((r) => r.status)).toEqual([200])
    expect(of('registration')[0]).toMatchObject({
      kind: 'dynamic',
      clientId: 'client-1',
      url: `${w.options.issuer}/register`,
      httpStatus: 201,
    })
    expect(of('authorization').map((e) => e.phase)).toEqual(['opened', 'delivered'])
    expect(of('authorization')[0]!.scopes).toEqual(['read', 'offline_access'])
    expect(of('token')[0]).toMatchObject({
      url: `${w.options.issuer}/token`,
      httpStatus: 200,
      scopes: ['read', 'offline_access'],
      refreshToken: true,
    })
    expect(of('status').map((e) => `${e.from}>${e.to}`)).toEqual([
      'unknown>probing',
      'probing>needs-authorization',
      'needs-authorization>authorizing',
      'authorizing>authorized',
    ])
  })

  test('a hidden challenge: noted, and discovery falls back to the well-known URLs', async () => {
    const w = createWorld({ challenge: null, prmAt: 'root' })
    const { auth, handle } = setupWorld(mock, w)
    const { of } = record(auth)
    await handle.probe()
    // Said once, on the challenge, not again on the probe.
    expect(of('probe')[0]!.note).toBeUndefined()
    expect(of('challenge')[0]).toMatchObject({ hidden: true, note: 'challenge-hidden' })
    expect(of('resource-metadata')[0]).toMatchObject({ fallback: true, answered: w.prmRootUrl })
    expect(of('resource-metadata')[0]!.requests?.map((r) => [r.url, r.status])).toEqual([
      [w.prmPathUrl, 404],
      [w.prmRootUrl, 200],
    ])
  })

  test('registration kinds without a request: pre-registered, and a registration reused', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w, {
      auth: { preRegistered: { 'https://auth.example.com': { clientId: 'app-client' } } },
    })
    const { of } = record(auth)
    await handle.authorize()
    expect(of('registration')[0]).toEqual(
      expect.objectContaining({ kind: 'pre-registered', clientId: 'app-client' }),
    )
    expect(of('registration')[0]!.requests).toBeUndefined()

    const dynamic = setupWorld(mock, createWorld())
    const second = record(dynamic.auth)
    await dynamic.handle.authorize()
    await dynamic.handle.disconnect()
    await dynamic.handle.authorize()
    expect(second.of('registration').map((e) => [e.kind, e.httpStatus, e.reused])).toEqual([
      ['dynamic', 201, undefined],
      ['dynamic', undefined, true],
    ])
  })

  test('refresh, and why: the token is expiring, or the server refused it', async () => {
    const w = createWorld({ accessTokenTtl: 3600 })
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { of } = record(auth)
    // The server forgets every token: 401 invalid_token, one refresh, one retry.
    w.accessTokens.clear()
    expect((await mcpCall(handle)).status).toBe(200)
    const [refused] = of('refresh')
    expect(refused).toMatchObject({ reason: 'invalid_token', httpStatus: 200, refreshToken: true })
    expect(of('fetch')[0]).toMatchObject({ method: 'POST', rpc: 'tools/list', httpStatus: 200 })

    const short = createWorld({ accessTokenTtl: 30 })
    const expiring = setupWorld(mock, short, { auth: { refreshSkewSeconds: 60 } })
    await expiring.handle.authorize()
    const later = record(expiring.auth)
    await expiring.handle.getAccessToken()
    expect(later.of('refresh').map((e) => e.reason)).toEqual(['expiring'])
  })

  test('step-up: the 403, its challenge, the status change and the scopes asked for', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.probe() // the challenge asks for `read` only
    await handle.authorize()
    const { of, types } = record(auth)
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(types()).toEqual(['status', 'step-up', 'fetch', 'challenge'])
    expect(of('fetch')[0]).toMatchObject({
      rpc: 'tools/call',
      httpStatus: 403,
      from: 'authorized',
      to: 'needs-step-up',
    })
    expect(of('challenge')[0]).toMatchObject({
      challengeError: 'insufficient_scope',
      scope: 'admin',
    })
    expect(of('step-up')[0]).toMatchObject({
      scopes: ['read', 'offline_access', 'admin'],
      granted: ['read', 'offline_access'],
    })
    // The fetch started before the status changed: ordered by time, it comes first.
    expect(of('fetch')[0]!.at).toBeLessThanOrEqual(of('status')[0]!.at)
    // Never the tool's name or arguments: only the JSON-RPC method.
    expect(JSON.stringify(of('fetch'))).not.toContain('admin"')
  })

  test('revocation: a refused access token is explained, with its 400', async () => {
    const w = createWorld({ revocation: 'unsupported_token_type' })
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { of } = record(auth)
    await handle.disconnect()
    expect(of('revocation')[0]).toMatchObject({
      refreshToken: 'revoked',
      accessToken: 'unsupported',
      httpStatus: 400,
      note: 'token-not-revocable',
    })
    expect(of('revocation')[0]!.requests?.map((r) => r.status)).toEqual([200, 400])
  })

  test('a GET answered 405 is the optional SSE stream, explained', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    mock.use(http.get(w.options.resource, () => new HttpResponse(null, { status: 405 })))
    await handle.authorize()
    const { of } = record(auth)
    expect((await handle.fetch(handle.url, { method: 'GET' })).status).toBe(405)
    expect(of('fetch')[0]).toMatchObject({
      method: 'GET',
      httpStatus: 405,
      note: 'sse-not-offered',
    })
    expect(of('fetch')[0]!.rpc).toBeUndefined()
  })

  test('a JSON-RPC method is read from a Request body too, without consuming it', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { of } = record(auth)
    const request = new Request(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
      ]),
    })
    expect((await handle.fetch(request)).status).toBe(200)
    await expect.poll(() => of('fetch')[0]?.rpc).toBe('tools/list, notifications/initialized')
    expect(w.hits(handle.url, 'POST').at(-1)!.body).toContain('notifications/initialized')
  })
})

describe('errors', () => {
  test('a failed step carries the typed error; the status change does not repeat it', async () => {
    const w = createWorld({ as: null })
    const { auth, handle } = setupWorld(mock, w)
    const { of } = record(auth)
    await handle.probe().catch(() => {})
    const as = of('authorization-server-metadata')[0]!
    expect(as.error).toMatchObject({ code: 'authorization_server_not_found', transient: false })
    expect(as.error?.details?.tried).toEqual(as.requests?.map((r) => r.url))
    const failed = of('status').find((e) => e.to === 'error')!
    expect(failed).toBeDefined()
    expect(failed.error).toBeUndefined()
  })

  test('an error that no step reported comes with its status change', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w, { response: { iss: 'https://evil.example' } })
    const { of } = record(auth)
    await handle.authorize().catch(() => {})
    const failed = of('status').find((e) => e.to === 'error')
    expect(failed?.error?.code).toBe('iss_mismatch')
  })

  test('a network failure of one candidate request is recorded as such', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    mock.use(http.get(w.prmPathUrl, () => HttpResponse.error()))
    const { of } = record(auth)
    await handle.probe().catch(() => {})
    const prm = of('resource-metadata')[0]!
    expect(prm.error?.code).toBe('network_error')
    expect(prm.requests).toEqual([expect.objectContaining({ failure: 'network' })])
  })
})

describe('the stream itself', () => {
  test('two servers share one AS discovery: the second says so and sends nothing', async () => {
    const first = createWorld()
    const second = createWorld({ resource: 'https://tools.example.com/mcp' })
    const gate = deferred()
    mock.use(
      http.get(/\/\.well-known\/oauth-authorization-server/, async () => {
        await gate.promise
        return undefined
      }),
      ...first.handlers,
      ...second.handlers,
    )
    const auth = createMcpAuth({ redirectUri: REDIRECT, driver: first.driver() })
    const { of } = record(auth)
    const probes = Promise.all([
      auth.server(first.options.resource).probe(),
      auth.server(second.options.resource).probe(),
    ])
    await expect.poll(() => of('resource-metadata').length).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 10))
    gate.resolve()
    await probes
    const as = of('authorization-server-metadata')
    expect(as.map((e) => e.note)).toEqual([undefined, 'joined'])
    expect(as[1]!.requests).toBeUndefined()
    expect(as[1]!.server).toBe(second.options.resource)
  })

  test('a server probed after another found its issuer says it shared that discovery, and sends nothing', async () => {
    const first = createWorld()
    const second = createWorld({ resource: 'https://tools.example.com/mcp' })
    mock.use(...first.handlers, ...second.handlers)
    const auth = createMcpAuth({ redirectUri: REDIRECT, driver: first.driver() })
    const { of } = record(auth)
    await auth.server(first.options.resource).probe()
    await auth.server(second.options.resource).probe()
    const as = of('authorization-server-metadata')
    expect(as.map((e) => e.note)).toEqual([undefined, 'joined'])
    expect(as[1]!.requests).toBeUndefined()
    expect(describeEvent(as[1]!)).toBe(
      `AS metadata: ${first.options.issuer} — ${EVENT_TEXT.notes.joined}`,
    )
  })

  test('nothing from before the subscription; nothing after it ends; the hook goes away', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { events, stop } = record(auth)
    expect(events).toEqual([])
    expect(contexts.get(auth)?.hook).toBeTypeOf('function')
    await mcpCall(handle)
    expect(events.map((e) => e.type)).toEqual(['fetch'])
    stop()
    stop()
    expect(contexts.get(auth)?.hook).toBeUndefined()
    await mcpCall(handle)
    await handle.disconnect()
    expect(events).toHaveLength(1)
    // A new subscription goes on counting: `seq` never repeats within an instance.
    const again = record(auth)
    await handle.probe()
    expect(again.events[0]!.seq).toBe(2)
  })

  test('a listener that throws neither breaks the flow nor starves the next listener', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    const thrown: unknown[] = []
    const onError = (error: unknown) => thrown.push(error)
    process.on('uncaughtException', onError)
    try {
      subscribeEvents(auth, () => {
        throw new Error('listener bug')
      })
      const { events } = record(auth)
      expect((await handle.authorize()).status).toBe('authorized')
      expect(events.some((e) => e.type === 'token')).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 0))
    } finally {
      process.off('uncaughtException', onError)
    }
    expect(thrown.length).toBeGreaterThan(0)
  })

  test('events are frozen plain data', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    const { events } = record(auth)
    await handle.probe()
    for (const event of events) {
      expect(Object.isFrozen(event)).toBe(true)
      expect(JSON.parse(JSON.stringify(event))).toEqual(event)
    }
  })

  test('an instance not made by createMcpAuth is refused', () => {
    expect(() => subscribeEvents({} as never, () => {})).toThrow(/createMcpAuth/)
  })
})
