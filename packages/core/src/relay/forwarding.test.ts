import { describe, expect, test, vi } from 'vitest'
import { APP, pageRequest, RELAY, relayWorld } from '../test-support/relay.js'

const TARGET = 'https://mcp.example.com/mcp?session=1'

describe('what goes to the target', () => {
  test('the method, body and protocol headers, and nothing else', async () => {
    const world = relayWorld()
    const protocol = {
      authorization: 'Bearer at-123',
      dpop: 'proof',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-session-id': 'session-1',
      'mcp-method': 'tools/call',
      'mcp-name': 'echo',
      'last-event-id': '42',
    }
    const headers = {
      ...protocol,
      cookie: 'session=app-cookie',
      'x-forwarded-for': '10.0.0.1',
      referer: `${APP}/chat`,
      'user-agent': 'Chromium',
      'x-api-key': 'app-internal',
      host: 'chat.example',
      'sec-fetch-site': 'same-origin',
    }
    await world.relay(pageRequest(TARGET, { method: 'POST', headers, body: '{"jsonrpc":"2.0"}' }))
    const [call] = world.calls
    expect(call?.url).toBe(TARGET)
    expect(call?.method).toBe('POST')
    expect(call?.body).toBe('{"jsonrpc":"2.0"}')
    expect(call?.redirect).toBe('manual')
    expect(Object.fromEntries(call!.headers)).toEqual(protocol)
  })

  test('GET and DELETE go without a body', async () => {
    const world = relayWorld()
    await world.relay(pageRequest(TARGET))
    await world.relay(pageRequest(TARGET, { method: 'DELETE' }))
    expect(world.calls.map((call) => [call.method, call.body])).toEqual([
      ['GET', undefined],
      ['DELETE', undefined],
    ])
  })

  test('a DELETE goes without a body even when the page sent one; only POST bodies are read', async () => {
    const world = relayWorld()
    await world.relay(pageRequest(TARGET, { method: 'DELETE', body: 'ignored' }))
    expect(world.calls[0]?.body).toBeUndefined()
  })

  test('a POST without a body goes without one', async () => {
    const world = relayWorld()
    await world.relay(pageRequest(TARGET, { method: 'POST' }))
    expect(world.calls[0]?.body).toBeUndefined()
  })

  test('a GET that carries a preflight header is still a GET, forwarded', async () => {
    const world = relayWorld()
    const response = await world.relay(
      pageRequest(TARGET, { headers: { 'access-control-request-method': 'POST' } }),
    )
    expect(response.status).toBe(200)
    expect(world.calls).toHaveLength(1)
  })

  test('without a fetch option, the global fetch is called, unbound, with the target', async () => {
    const seen: [string, RequestInit | undefined, unknown][] = []
    vi.stubGlobal('fetch', function (this: unknown, url: string, init?: RequestInit) {
      seen.push([url, init, this])
      return Promise.resolve(new Response('from global'))
    })
    try {
      const world = relayWorld({ fetch: undefined as never })
      const response = await world.relay(pageRequest(TARGET))
      expect(await response.text()).toBe('from global')
      expect(seen).toEqual([[TARGET, expect.objectContaining({ redirect: 'manual' }), undefined]])
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test("an exception in the app's own allow function is not turned into a refusal", async () => {
    const world = relayWorld({
      allow: () => {
        throw new Error('allowlist bug')
      },
    })
    await expect(world.relay(pageRequest(TARGET))).rejects.toThrow('allowlist bug')
  })

  test('a POST with an empty body sends an empty body', async () => {
    const world = relayWorld()
    await world.relay(pageRequest(TARGET, { method: 'POST', body: '' }))
    expect(world.calls[0]?.method).toBe('POST')
  })

  test('the fragment of the target never leaves', async () => {
    const world = relayWorld()
    await world.relay(pageRequest('https://mcp.example.com/mcp#section'))
    expect(world.calls[0]?.url).toBe('https://mcp.example.com/mcp')
  })
})

describe('what comes back to the page', () => {
  test('the status and body, with only the protocol headers; never set-cookie', async () => {
    const world = relayWorld({
      answer: () =>
        new Response('{"error":"invalid_token"}', {
          status: 401,
          headers: [
            ['content-type', 'application/json'],
            ['cache-control', 'no-store'],
            ['www-authenticate', 'Bearer resource_metadata="https://mcp.example.com/prm"'],
            ['mcp-session-id', 'session-2'],
            ['dpop-nonce', 'nonce-1'],
            ['set-cookie', 'tracker=1'],
            ['set-cookie', 'session=2; HttpOnly'],
            ['access-control-allow-origin', '*'],
            ['access-control-allow-credentials', 'true'],
            ['location', 'https://elsewhere.example/'],
            ['x-powered-by', 'server'],
            ['content-security-policy', "script-src 'unsafe-inline'"],
            ['refresh', '0; url=https://evil.example'],
          ],
        }),
    })
    const response = await world.relay(pageRequest(TARGET))
    expect(response.status).toBe(401)
    expect(await response.text()).toBe('{"error":"invalid_token"}')
    expect(Object.fromEntries(response.headers)).toEqual({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'www-authenticate': 'Bearer resource_metadata="https://mcp.example.com/prm"',
      'mcp-session-id': 'session-2',
      'dpop-nonce': 'nonce-1',
      'access-control-allow-origin': APP,
      'access-control-expose-headers':
        'www-authenticate, mcp-session-id, dpop-nonce, mcp-relay-redirect, mcp-relay-location, mcp-relay-error',
      vary: 'Origin',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    })
  })

  test('a status without a body (204) comes back without one', async () => {
    const world = relayWorld({ answer: () => new Response(null, { status: 202 }) })
    const accepted = await world.relay(pageRequest(TARGET))
    expect(accepted.status).toBe(202)
    // Headers the target did not send are not made up.
    for (const name of ['content-type', 'cache-control', 'www-authenticate', 'mcp-session-id'])
      expect(accepted.headers.has(name), name).toBe(false)
    const empty = relayWorld({ answer: () => new Response(null, { status: 204 }) })
    const response = await empty.relay(pageRequest(TARGET))
    expect(response.status).toBe(204)
    expect(response.body).toBeNull()
  })

  test.each([301, 302, 303, 307, 308])(
    'a %i is handed back as a 204 with the status and the absolute location, not followed',
    async (status) => {
      let cancelled = false
      const world = relayWorld({
        answer: () =>
          new Response(
            new ReadableStream({
              cancel() {
                cancelled = true
              },
            }),
            {
              status,
              headers: {
                location: '../other?x=1',
                'www-authenticate': 'Bearer',
                'set-cookie': 'a=b',
              },
            },
          ),
      })
      const response = await world.relay(pageRequest('https://mcp.example.com/a/b/mcp'))
      expect(response.status).toBe(204)
      expect(response.headers.get('mcp-relay-redirect')).toBe(String(status))
      expect(response.headers.get('mcp-relay-location')).toBe('https://mcp.example.com/a/other?x=1')
      expect(response.headers.get('www-authenticate')).toBeNull()
      expect(response.headers.get('set-cookie')).toBeNull()
      expect(response.headers.get('location')).toBeNull()
      expect(world.calls).toHaveLength(1)
      expect(cancelled).toBe(true)
      expect(world.events).toEqual([
        {
          outcome: 'forwarded',
          method: 'GET',
          target: 'https://mcp.example.com/a/b/mcp',
          status: 204,
          upstreamStatus: status,
        },
      ])
    },
  )

  test('a redirect without a usable Location says so by the header missing', async () => {
    for (const headers of [{}, { location: 'http://[bad' }]) {
      const world = relayWorld({ answer: () => new Response(null, { status: 302, headers }) })
      const response = await world.relay(pageRequest(TARGET))
      expect(response.status).toBe(204)
      expect(response.headers.get('mcp-relay-redirect')).toBe('302')
      expect(response.headers.has('mcp-relay-location')).toBe(false)
    }
  })

  test('a redirect to another host is handed back as it is: the kit decides', async () => {
    const world = relayWorld({
      answer: () =>
        new Response(null, { status: 307, headers: { location: 'https://evil.example/steal' } }),
    })
    const response = await world.relay(pageRequest(TARGET, { method: 'POST', body: 'x' }))
    expect(response.headers.get('mcp-relay-location')).toBe('https://evil.example/steal')
    expect(world.calls.map((call) => call.url)).toEqual([TARGET])
  })

  test('other 3xx statuses (304, 300) come back as they are', async () => {
    const world = relayWorld({ answer: () => new Response(null, { status: 304 }) })
    const response = await world.relay(pageRequest(TARGET))
    expect(response.status).toBe(304)
    expect(response.headers.has('mcp-relay-redirect')).toBe(false)
    const choices = relayWorld({ answer: () => new Response('pick', { status: 300 }) })
    expect((await choices.relay(pageRequest(TARGET))).status).toBe(300)
  })

  test('an event stream reaches the page event by event, while the target still writes', async () => {
    const encoder = new TextEncoder()
    let target!: ReadableStreamDefaultController<Uint8Array>
    const world = relayWorld({
      answer: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              target = controller
            },
          }),
          { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } },
        ),
    })
    const response = await world.relay(
      pageRequest(TARGET, { headers: { accept: 'text/event-stream' } }),
    )
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    target.enqueue(encoder.encode('id: 1\ndata: one\n\n'))
    expect(decoder.decode((await reader.read()).value)).toBe('id: 1\ndata: one\n\n')
    target.enqueue(encoder.encode('id: 2\ndata: two\n\n'))
    expect(decoder.decode((await reader.read()).value)).toBe('id: 2\ndata: two\n\n')
    target.close()
    expect((await reader.read()).done).toBe(true)
  })

  test('a page that goes away mid-stream aborts the upstream request', async () => {
    const page = new AbortController()
    const world = relayWorld({
      headersTimeout: 60_000,
      answer: () =>
        new Response(new ReadableStream({ start: (c) => c.enqueue(new Uint8Array([1])) }), {
          headers: { 'content-type': 'text/event-stream' },
        }),
    })
    const response = await world.relay(pageRequest(TARGET, { signal: page.signal }))
    await response.body!.getReader().read()
    const upstream = world.calls[0]!.signal
    expect(upstream.aborted).toBe(false)
    page.abort()
    expect(upstream.aborted).toBe(true)
  })

  test('the deadline stops once the headers are in: a long stream is never cut by it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const world = relayWorld({
        headersTimeout: 1,
        answer: () =>
          new Response(new ReadableStream(), { headers: { 'content-type': 'text/event-stream' } }),
      })
      const response = await world.relay(pageRequest(TARGET))
      expect(response.status).toBe(200)
      expect(vi.getTimerCount()).toBe(0)
      vi.runAllTimers()
      expect(world.calls[0]!.signal.aborted).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('CORS for pages on another origin', () => {
  const preflight = (origin: string, method = 'POST') =>
    new Request(`${RELAY}?url=${encodeURIComponent(TARGET)}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type, mcp-method, mcp-name',
      },
    })

  test('a preflight from a listed origin allows the protocol methods and headers', async () => {
    const world = relayWorld()
    const response = await world.relay(preflight(APP))
    expect(response.status).toBe(204)
    expect(Object.fromEntries(response.headers)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers':
        'authorization, dpop, content-type, accept, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name, last-event-id',
      'access-control-expose-headers':
        'www-authenticate, mcp-session-id, dpop-nonce, mcp-relay-redirect, mcp-relay-location, mcp-relay-error',
      'access-control-max-age': '600',
      vary: 'Origin',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    })
    expect(response.headers.has('access-control-allow-credentials')).toBe(false)
    expect(world.calls).toHaveLength(0)
    expect(world.lookups).toHaveLength(0)
  })

  test('a preflight from another origin gets no CORS at all', async () => {
    const world = relayWorld()
    const response = await world.relay(preflight('https://evil.example'))
    expect(response.status).toBe(403)
    expect(response.headers.has('access-control-allow-origin')).toBe(false)
    expect(response.headers.has('access-control-allow-methods')).toBe(false)
  })

  test('a refusal for a listed origin is readable by its page', async () => {
    const world = relayWorld()
    const response = await world.relay(pageRequest('https://elsewhere.example/'))
    expect(response.status).toBe(403)
    expect(response.headers.get('access-control-allow-origin')).toBe(APP)
    expect(response.headers.get('access-control-expose-headers')).toContain('mcp-relay-error')
  })
})

describe('events', () => {
  test('one per request, with the target origin and path only', async () => {
    const world = relayWorld({ answer: () => new Response('{}', { status: 200 }) })
    await world.relay(
      pageRequest('https://mcp.example.com/mcp?token=secret', { method: 'POST', body: '{}' }),
    )
    await world.relay(pageRequest('https://nope.example/x?y=1'))
    expect(world.events).toEqual([
      {
        outcome: 'forwarded',
        method: 'POST',
        target: 'https://mcp.example.com/mcp',
        status: 200,
        upstreamStatus: 200,
      },
      {
        outcome: 'refused',
        method: 'GET',
        target: 'https://nope.example/x',
        status: 403,
        reason: 'target_not_allowed',
      },
    ])
  })

  test('an event without a target when none could be read; a failure is a failure', async () => {
    const world = relayWorld({ dns: { 'mcp.example.com': [] } })
    await world.relay(new Request(RELAY, { headers: { origin: APP } }))
    await world.relay(pageRequest(TARGET))
    expect(world.events).toEqual([
      { outcome: 'refused', method: 'GET', status: 400, reason: 'invalid_target' },
      {
        outcome: 'failed',
        method: 'GET',
        target: 'https://mcp.example.com/mcp',
        status: 502,
        reason: 'upstream_unreachable',
      },
    ])
  })

  test('a listener that throws changes nothing for the page', async () => {
    const world = relayWorld({
      onEvent: () => {
        throw new Error('log sink down')
      },
    })
    expect((await world.relay(pageRequest(TARGET))).status).toBe(200)
    expect((await world.relay(pageRequest('https://nope.example/'))).status).toBe(403)
  })

  test('no listener, no events: the relay works the same', async () => {
    const world = relayWorld({ onEvent: undefined as never })
    expect((await world.relay(pageRequest(TARGET))).status).toBe(200)
  })
})
