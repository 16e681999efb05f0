import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { McpAuthError } from '../errors.js'
import { useMockServer } from '../test-support/msw.js'
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
    expect(seen?.headers.get('accept')).toContain('text/event-stream')
    expect(JSON.parse(body)).toMatchObject({ jsonrpc: '2.0', method: 'ping' })
  })

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
