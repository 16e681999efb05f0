import { createWorld, deferred, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { AuthorizationDriver } from '../contracts/driver.js'
import type { PopupState } from '../contracts/snapshot.js'
import { ConfigurationError } from '../errors.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'
import { contexts } from '../tracing.js'
import { rpcMethods, subscribeEvents } from './subscribe.js'
import type { McpAuthEvent, McpAuthEventType } from './types.js'

const mock = useMockServer()

afterEach(() => {
  vi.useRealTimers()
})

/** Every event of `auth` from now on, and a way to find them by type. */
function record(auth: Parameters<typeof subscribeEvents>[0]) {
  const events: McpAuthEvent[] = []
  const stop = subscribeEvents(auth, (event) => events.push(event))
  const of = <T extends McpAuthEventType>(type: T) =>
    events.filter((e): e is Extract<McpAuthEvent, { type: T }> => e.type === type)
  return { events, stop, of, types: () => events.map((e) => e.type) }
}

describe('subscriptions', () => {
  test('an instance not made by createMcpAuth is a configuration error', () => {
    let thrown: unknown
    try {
      subscribeEvents({} as never, () => {})
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ConfigurationError)
    expect(thrown).toMatchObject({
      code: 'invalid_configuration',
      message: 'subscribeEvents() needs an instance made by createMcpAuth()',
    })
  })

  test('one listener leaving does not stop the others; the last one takes the hook away', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const first = record(auth)
    const second = record(auth)
    await mcpCall(handle)
    expect(first.types()).toEqual(['fetch'])
    expect(second.types()).toEqual(['fetch'])
    // The same event, numbered once, goes to every listener.
    expect(second.events[0]).toBe(first.events[0])
    first.stop()
    expect(contexts.get(auth)?.hook).toBeTypeOf('function')
    await mcpCall(handle)
    expect(first.types()).toEqual(['fetch'])
    expect(second.types()).toEqual(['fetch', 'fetch'])
    expect(second.events.map((e) => e.seq)).toEqual([1, 2])
    second.stop()
    expect(contexts.get(auth)?.hook).toBeUndefined()
  })

  test('the same listener subscribed twice gets each event twice, and leaves one at a time', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const seen: number[] = []
    const listener = (event: McpAuthEvent) => seen.push(event.seq)
    const stopOne = subscribeEvents(auth, listener)
    const stopTwo = subscribeEvents(auth, listener)
    await mcpCall(handle)
    expect(seen).toEqual([1, 1])
    stopOne()
    await mcpCall(handle)
    expect(seen).toEqual([1, 1, 2])
    stopTwo()
    await mcpCall(handle)
    expect(seen).toEqual([1, 1, 2])
  })

  test('servers added later are watched too, each once', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const auth = createMcpAuth({ redirectUri: REDIRECT, driver: w.driver() })
    const { of } = record(auth)
    // Another server, known first, whose status stays `unknown`.
    auth.server('https://other.example.com/mcp')
    const handle = auth.server(w.options.resource)
    // And one more, after it.
    auth.server('https://third.example.com/mcp')
    await handle.probe()
    await handle.authorize()
    expect(of('status').map((e) => `${e.server} ${e.from}>${e.to}`)).toEqual([
      `${w.options.resource} unknown>probing`,
      `${w.options.resource} probing>needs-authorization`,
      `${w.options.resource} needs-authorization>authorizing`,
      `${w.options.resource} authorizing>authorized`,
    ])
    // A fetch that changes the status says so, from this server's status.
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(of('fetch').at(-1)).toMatchObject({ from: 'authorized', to: 'needs-step-up' })
  })
})

describe('timing', () => {
  test('each request and the step: how long they took, on the page clock', async () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    vi.advanceTimersByTime(1_000)
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    mock.use(
      http.post(w.options.resource, () => {
        vi.advanceTimersByTime(25)
        return new HttpResponse(null, { status: 200 })
      }),
    )
    const { of } = record(auth)
    await handle.probe()
    expect(of('probe')[0]).toMatchObject({ ms: 25, requests: [{ ms: 25, status: 200 }] })
  })
})

describe('what is recorded of each request', () => {
  test('the method: GET by default, the Request’s own, upper-cased', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    mock.use(http.all(w.options.resource, () => new HttpResponse(null, { status: 204 })))
    await handle.authorize()
    const { of } = record(auth)
    await handle.fetch(handle.url)
    await handle.fetch(new Request(handle.url, { method: 'DELETE' }))
    await handle.fetch(handle.url, { method: 'patch' })
    expect(of('fetch').map((e) => e.method)).toEqual(['GET', 'DELETE', 'PATCH'])
    expect(of('fetch').map((e) => e.rpc)).toEqual([undefined, undefined, undefined])
  })

  test('a request aborted, or failed with no response', async () => {
    const w = createWorld()
    const failures: unknown[] = [
      new DOMException('The operation was aborted.', 'AbortError'),
      new TypeError('Failed to fetch'),
      null,
    ]
    const { auth, handle } = setupWorld(mock, w, {
      auth: { fetch: () => Promise.reject(failures.shift()) },
    })
    const { of } = record(auth)
    await handle.probe().catch(() => {})
    await handle.probe().catch(() => {})
    await handle.probe().catch(() => {})
    expect(of('probe').map((e) => e.requests?.map((r) => r.failure))).toEqual([
      ['aborted'],
      ['network'],
      ['network'],
    ])
    expect(of('probe').map((e) => e.requests?.[0]?.status)).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })

  test('a request whose signal was aborted is recorded as aborted', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w, {
      auth: {
        fetch: (_input: RequestInfo | URL, init?: RequestInit) => {
          // The kit's own signal: the step stopped waiting, and the fetch says why in its words.
          Object.defineProperty(init!, 'signal', { value: AbortSignal.abort() })
          return Promise.reject(new TypeError('cancelled'))
        },
      },
    })
    const { of } = record(auth)
    await handle.probe().catch(() => {})
    expect(of('probe')[0]!.requests?.map((r) => r.failure)).toEqual(['aborted'])
  })

  test('a fetch with no status change says nothing of status', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { of, types } = record(auth)
    await mcpCall(handle)
    expect(types()).toEqual(['fetch'])
    expect(of('fetch')[0]).not.toHaveProperty('from')
    expect(of('fetch')[0]).not.toHaveProperty('to')
  })
})

describe('the JSON-RPC method of an MCP call', () => {
  test('names only: of one message or a batch, valid names only, never parameters', () => {
    expect(rpcMethods('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}')).toBe(
      'tools/call',
    )
    expect(
      rpcMethods(
        JSON.stringify([
          null,
          { method: 'initialize' },
          { method: 42 },
          { method: 'has space' },
          { method: 'a'.repeat(65) },
          { method: 'notifications/initialized' },
          { result: {} },
        ]),
      ),
    ).toBe('initialize, notifications/initialized')
    expect(rpcMethods(`{"method":"${'a'.repeat(64)}"}`)).toBe('a'.repeat(64))
    expect(rpcMethods('{"method":"bad\\nname"}')).toBeUndefined()
    expect(rpcMethods('{"method":7}')).toBeUndefined()
    expect(rpcMethods('[]')).toBeUndefined()
    expect(rpcMethods('not json')).toBeUndefined()
    expect(rpcMethods('null')).toBeUndefined()
  })

  test('a body given as bytes is not read; a Request’s body is, unless the init replaces it', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { of } = record(auth)
    const message = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    const headers = { 'content-type': 'application/json' }
    const bytes = new TextEncoder().encode(message)
    expect((await handle.fetch(handle.url, { method: 'POST', headers, body: bytes })).status).toBe(
      200,
    )
    const request = new Request(handle.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
    })
    expect(
      (
        await handle.fetch(request, {
          method: 'POST',
          headers,
          body: new TextEncoder().encode(message),
        })
      ).status,
    ).toBe(200)
    await handle.fetch(new Request(handle.url, { method: 'POST', headers, body: message }))
    await expect.poll(() => of('fetch').length).toBe(3)
    await expect.poll(() => of('fetch')[2]?.rpc).toBe('tools/list')
    expect(of('fetch').map((e) => e.rpc)).toEqual([undefined, undefined, 'tools/list'])
  })
})

describe('status, step-up and the window', () => {
  test('a refresh: refreshing and back, around the refresh itself', async () => {
    const w = createWorld({ accessTokenTtl: 30 })
    const { auth, handle } = setupWorld(mock, w, { auth: { refreshSkewSeconds: 60 } })
    await handle.authorize()
    const { of, types } = record(auth)
    await handle.getAccessToken()
    expect(types()).toEqual(['status', 'refresh', 'status'])
    expect(of('status').map((e) => `${e.from}>${e.to}`)).toEqual([
      'authorized>refreshing',
      'refreshing>authorized',
    ])
    expect(of('status').some((e) => 'error' in e)).toBe(false)
  })

  test('a step-up is announced once, however many calls are refused', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.authorize()
    const { of, types } = record(auth)
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(types()).toEqual(['status', 'step-up', 'fetch', 'challenge', 'fetch', 'challenge'])
    expect(of('step-up')).toHaveLength(1)
    // The status change is the fetch's; its challenge does not repeat it.
    expect(of('fetch')[0]).toMatchObject({ from: 'authorized', to: 'needs-step-up' })
    expect(of('fetch')[1]).not.toHaveProperty('from')
    for (const challenge of of('challenge')) {
      expect(challenge).not.toHaveProperty('from')
      expect(challenge).not.toHaveProperty('to')
    }
  })

  test('the window reporting closed, once; the flow goes on and the callback still counts', async () => {
    const w = createWorld()
    const closed = deferred()
    let report: ((state: PopupState) => void) | undefined
    const answer = w.driver()
    const driver: AuthorizationDriver = async (request) => {
      report = request.onPopup
      request.onPopup?.('open')
      await closed.promise
      return answer(request)
    }
    const { auth, handle } = setupWorld(mock, w, { auth: { driver } })
    await handle.probe()
    const { of, types } = record(auth)
    const flow = handle.authorize()
    await expect.poll(() => handle.getSnapshot().popup).toBe('open')
    expect(of('authorization').map((e) => e.phase)).toEqual(['opened'])
    report?.('closed')
    expect(of('authorization').map((e) => e.phase)).toEqual(['opened', 'closed'])
    report?.('closed')
    expect(of('authorization').map((e) => e.phase)).toEqual(['opened', 'closed'])
    expect(of('authorization')[1]).toMatchObject({ server: w.options.resource })
    closed.resolve()
    expect((await flow).status).toBe('authorized')
    expect(of('authorization').map((e) => e.phase)).toEqual(['opened', 'closed', 'delivered'])
    expect(types().filter((t) => t === 'status')).toHaveLength(2)
  })

  test('an error kept on the next snapshots comes with its first status event only', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.authorize()
    const { of } = record(auth)
    handle.reportCorrupt('client:https://auth.example.com https://app.example/cb')
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(handle.getSnapshot().error?.code).toBe('storage_corrupt')
    expect(of('status').map((e) => [e.from, e.to, e.error?.code])).toEqual([
      ['authorized', 'authorized', 'storage_corrupt'],
      ['authorized', 'needs-step-up', undefined],
    ])
    expect(of('status')[0]!.error?.message).toBe('Ignored an unreadable stored record (client)')
  })

  test('a new error of each failed attempt is reported', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w, { response: { iss: 'https://evil.example' } })
    const { of } = record(auth)
    await handle.authorize().catch(() => {})
    await handle.authorize().catch(() => {})
    const withError = of('status').filter((e) => e.error)
    expect(withError.map((e) => e.error?.code)).toEqual(['iss_mismatch', 'iss_mismatch'])
    expect(withError.map((e) => e.to)).toEqual(['error', 'error'])
  })
})

describe('a blocked request is diagnosed as without listeners', () => {
  /**
   * A page on another origin whose `fetch` fails every request as CORS would, while a
   * `no-cors` request to the same host gets an opaque answer.
   */
  const blockedPage = () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', (_input: RequestInfo | URL, init?: RequestInit) =>
      init?.mode === 'no-cors'
        ? Promise.resolve({ type: 'opaque' })
        : Promise.reject(new TypeError('Failed to fetch')),
    )
  }
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  test('the default fetch: CORS', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w)
    const { of } = record(auth)
    blockedPage()
    await handle.probe().catch(() => {})
    expect(of('probe')[0]!.error?.code).toBe('cors_blocked')
    expect(handle.getSnapshot().error?.code).toBe('cors_blocked')
  })

  test('a fetch of the app: a network error, since it may go elsewhere', async () => {
    const w = createWorld()
    const { auth, handle } = setupWorld(mock, w, {
      auth: { fetch: () => Promise.reject(new TypeError('Failed to fetch')) },
    })
    const { of } = record(auth)
    blockedPage()
    await handle.probe().catch(() => {})
    expect(of('probe')[0]!.error?.code).toBe('network_error')
  })
})
