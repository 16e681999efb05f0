import { useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { McpAuthError } from '../errors.js'
import { defaultFetch } from '../http/transport-error.js'
import { probeServer } from './probe.js'

const server = useMockServer()
const URL_ = 'https://mcp.example.com/mcp'
const probe = () => probeServer(fetch, URL_, '2025-11-25')

describe('probeServer', () => {
  test('sends an unauthenticated JSON-RPC ping with MCP-Protocol-Version', async () => {
    let seen: Request | undefined
    let body = ''
    server.use(
      http.post(URL_, async ({ request }) => {
        seen = request
        body = await request.text()
        return HttpResponse.json({ jsonrpc: '2.0', id: 1, result: {} })
      }),
    )
    await probe()
    expect(seen?.headers.get('mcp-protocol-version')).toBe('2025-11-25')
    expect(seen?.headers.get('authorization')).toBeNull()
    expect(seen?.headers.get('accept')).toBe('application/json, text/event-stream')
    expect(JSON.parse(body)).toEqual({ jsonrpc: '2.0', id: 'mcp-oauth-probe', method: 'ping' })
    // Before 2026-07-28 there is no Mcp-Method header: an older server's preflight may refuse it.
    expect(seen?.headers.get('mcp-method')).toBeNull()
  })

  // MCP 2026-07-28, Streamable HTTP, "Request Metadata": Mcp-Method on every POST, and the
  // _meta protocol version the MCP-Protocol-Version header must match. A ping has no Mcp-Name.
  test.each(['2026-07-28', '2027-01-01'])(
    'at %s: Mcp-Method: ping, the matching _meta, no Mcp-Name',
    async (version) => {
      let seen: Request | undefined
      let body = ''
      server.use(
        http.post(URL_, async ({ request }) => {
          seen = request
          body = await request.text()
          return new HttpResponse(null, { status: 401 })
        }),
      )
      await probeServer(fetch, URL_, version)
      expect(seen?.headers.get('mcp-method')).toBe('ping')
      expect(seen?.headers.get('mcp-protocol-version')).toBe(version)
      expect(seen?.headers.has('mcp-name')).toBe(false)
      expect(JSON.parse(body)).toEqual({
        jsonrpc: '2.0',
        id: 'mcp-oauth-probe',
        method: 'ping',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': version,
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      })
    },
  )

  test.each([401, 403] as const)(
    '%i with a Bearer challenge → unauthorized, challenge parsed',
    async (status) => {
      server.use(
        http.post(
          URL_,
          () =>
            new HttpResponse(null, {
              status,
              headers: {
                'WWW-Authenticate':
                  'DPoP algs="ES256", BEARER Resource_Metadata="https://mcp.example.com/prm", scope="a b"',
              },
            }),
        ),
      )
      const result = await probe()
      expect(result).toEqual({
        kind: 'unauthorized',
        status,
        challenge: {
          scheme: 'bearer',
          params: { resource_metadata: 'https://mcp.example.com/prm', scope: 'a b' },
        },
        otherSchemes: ['dpop'],
      })
    },
  )

  test('401 without a readable header (no CORS expose) → unauthorized, no challenge', async () => {
    server.use(http.post(URL_, () => new HttpResponse(null, { status: 401 })))
    expect(await probe()).toEqual({
      kind: 'unauthorized',
      status: 401,
      challenge: undefined,
      otherSchemes: [],
    })
  })

  test('401 with a malformed header is still unauthorized, never a crash', async () => {
    server.use(
      http.post(
        URL_,
        () =>
          new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': 'Bearer scope="' },
          }),
      ),
    )
    const result = await probe()
    expect(result.kind).toBe('unauthorized')
  })

  test.each([500, 502, 503])('%i → transient server_error', async (status) => {
    server.use(http.post(URL_, () => new HttpResponse(null, { status })))
    const error = await probe().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({ code: 'server_error', transient: true, details: { status } })
  })

  test.each([200, 202, 400, 405])(
    '%i → open (the server let us in without credentials)',
    async (status) => {
      server.use(http.post(URL_, () => new HttpResponse(null, { status })))
      expect(await probe()).toEqual({ kind: 'open', status })
    },
  )

  test('404 → unexpected_response: nothing to authorize there', async () => {
    server.use(http.post(URL_, () => new HttpResponse(null, { status: 404 })))
    await expect(probe()).rejects.toMatchObject({ code: 'unexpected_response' })
  })

  test('a network failure → transient network_error with the cause kept', async () => {
    server.use(http.post(URL_, () => HttpResponse.error()))
    const error = await probe().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'network_error', transient: true })
    expect((error as Error).cause).toBeInstanceOf(Error)
  })
})

describe('probeServer: the request and the answers that stop the flow', () => {
  afterEach(() => vi.unstubAllGlobals())

  test('a POST of exactly one JSON-RPC ping, with the abort signal passed on', async () => {
    const calls: RequestInit[] = []
    const fetchFn = (async (_input: unknown, init: RequestInit = {}) => {
      calls.push(init)
      return new Response(null, { status: 200 })
    }) as typeof fetch
    const signal = new AbortController().signal
    expect(await probeServer(fetchFn, URL_, '2025-11-25', signal)).toEqual({
      kind: 'open',
      status: 200,
    })
    expect(calls).toHaveLength(1)
    expect(calls[0]).toEqual({
      method: 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        'mcp-protocol-version': '2025-11-25',
      },
      body: '{"jsonrpc":"2.0","id":"mcp-oauth-probe","method":"ping"}',
      signal,
    })
  })

  test('without a signal none is passed', async () => {
    const calls: RequestInit[] = []
    const fetchFn = (async (_input: unknown, init: RequestInit = {}) => {
      calls.push(init)
      return new Response(null, { status: 202 })
    }) as typeof fetch
    expect(await probeServer(fetchFn, URL_, '2025-11-25')).toEqual({ kind: 'open', status: 202 })
    expect(calls[0]).not.toHaveProperty('signal')
  })

  test.each([404, 410])('HTTP %i: no MCP server there, quoting URL and status', async (status) => {
    server.use(http.post(URL_, () => new HttpResponse(null, { status })))
    const error = await probe().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({
      code: 'unexpected_response',
      message: `No MCP server at ${URL_} (HTTP ${status})`,
      details: { status },
    })
  })

  test('HTTP 405 is an open server (the transport let the request in)', async () => {
    server.use(http.post(URL_, () => new HttpResponse(null, { status: 405 })))
    expect(await probe()).toEqual({ kind: 'open', status: 405 })
  })

  test('a probe blocked by CORS in a browser names the MCP step', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async (_input: unknown, init: RequestInit = {}) => {
      if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    })
    await expect(probeServer(defaultFetch, URL_, '2025-11-25')).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { url: URL_, step: 'MCP' },
    })
  })
})
