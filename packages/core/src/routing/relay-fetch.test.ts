import { useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { McpAuthError } from '../errors.js'
import { relayed } from '../http/transport-error.js'
import { relayUrl, sendThroughRelay } from './relay-fetch.js'

// The page's side of the relay's wire protocol (`@mcp-oauth/core/relay`).
const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const RELAY = 'https://app.example/mcp-relay'
const TARGET = 'https://mcp.example.com/mcp?session=a%20b&x=1'

/** A relay that records what it was sent and answers with `answer`. */
function relay(answer: () => Response) {
  const seen: { url: URL; method: string; headers: Headers; body: string }[] = []
  mock.use(
    http.all(RELAY, async ({ request }) => {
      seen.push({
        url: new URL(request.url),
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' ? '' : await request.text(),
      })
      return answer()
    }),
  )
  return seen
}

describe('relayUrl', () => {
  test('the target, encoded with encodeURIComponent, in the url parameter', () => {
    expect(relayUrl(RELAY, TARGET)).toBe(`${RELAY}?url=${encodeURIComponent(TARGET)}`)
    expect(new URL(relayUrl(RELAY, TARGET)).searchParams.get('url')).toBe(TARGET)
  })

  test('a relative relay URL is resolved against the page; a query it has is kept', () => {
    vi.stubGlobal('location', { href: 'https://app.example/chat/1' })
    expect(relayUrl('/mcp-relay', 'https://x.example/')).toBe(
      'https://app.example/mcp-relay?url=https%3A%2F%2Fx.example%2F',
    )
    expect(relayUrl('relay?tenant=a', 'https://x.example/')).toBe(
      'https://app.example/chat/relay?tenant=a&url=https%3A%2F%2Fx.example%2F',
    )
  })

  test('outside a page a relative relay is a configuration error; plain http only on loopback', () => {
    expect(() => relayUrl('/mcp-relay', TARGET)).toThrow(
      expect.objectContaining({ code: 'invalid_configuration' }),
    )
    expect(() => relayUrl('http://relay.example/r', TARGET)).toThrow(
      expect.objectContaining({ code: 'insecure_url' }),
    )
    expect(relayUrl('http://127.0.0.1:8080/r', TARGET)).toMatch(/^http:\/\/127\.0\.0\.1:8080\/r\?/)
  })
})

describe('sendThroughRelay', () => {
  test('the same method, headers and body; the answer as the target gave it', async () => {
    const seen = relay(
      () =>
        new HttpResponse('{"ok":true}', {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer x="y"' },
        }),
    )
    const request = new Request(TARGET, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'mcp-method': 'tools/call', 'content-type': 'a/b' },
      body: 'payload',
    })
    const response = await sendThroughRelay(RELAY, fetch, request)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.url.searchParams.get('url')).toBe(TARGET)
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'payload' })
    expect(Object.fromEntries(seen[0]!.headers)).toMatchObject({
      authorization: 'Bearer t',
      'mcp-method': 'tools/call',
      'content-type': 'a/b',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer x="y"')
    expect(await response.json()).toEqual({ ok: true })
    expect(relayed.has(response)).toBe(true)
  })

  test('a redirect handed back as a 204 is the 3xx it stands for, with its Location', async () => {
    relay(
      () =>
        new HttpResponse(null, {
          status: 204,
          headers: {
            'mcp-relay-redirect': '307',
            'mcp-relay-location': 'https://mcp.example.com/v2/mcp',
          },
        }),
    )
    const response = await sendThroughRelay(RELAY, fetch, new Request(TARGET))
    expect(response.status).toBe(307)
    expect(response.headers.get('location')).toBe('https://mcp.example.com/v2/mcp')
    expect(relayed.has(response)).toBe(true)
    // Without a usable Location: still the redirect, for the caller to refuse.
    relay(() => new HttpResponse(null, { status: 204, headers: { 'mcp-relay-redirect': '302' } }))
    const bare = await sendThroughRelay(RELAY, fetch, new Request(TARGET))
    expect([bare.status, bare.headers.get('location')]).toEqual([302, null])
  })

  test('a 204 of the target itself stays a 204', async () => {
    relay(() => new HttpResponse(null, { status: 204 }))
    expect((await sendThroughRelay(RELAY, fetch, new Request(TARGET))).status).toBe(204)
  })

  test.each([
    [403, 'relay_refused', 'target_not_allowed', false],
    [413, 'relay_refused', 'body_too_large', false],
    [504, 'relay_failed', 'timeout', true],
    [502, 'relay_failed', 'upstream_unreachable', true],
  ] as const)('a relay answer %i with its reason: %s', async (status, code, reason, transient) => {
    relay(() =>
      HttpResponse.json(
        { error: code, reason, message: `It said ${reason}.` },
        { status, headers: { 'mcp-relay-error': reason } },
      ),
    )
    const error = await sendThroughRelay(RELAY, fetch, new Request(TARGET)).catch((e) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({ code, transient, details: { url: TARGET, reason, status } })
    expect(error.message).toBe(
      `The relay ${transient ? 'could not complete' : 'refused'} the request to ${TARGET}: It said ${reason}. (${reason})`,
    )
  })

  test('a relay error without a readable body still names its reason', async () => {
    relay(() => new HttpResponse('oops', { status: 403, headers: { 'mcp-relay-error': 'x' } }))
    await expect(sendThroughRelay(RELAY, fetch, new Request(TARGET))).rejects.toMatchObject({
      code: 'relay_refused',
      message: `The relay refused the request to ${TARGET} (x)`,
    })
  })

  test('a relay that cannot be reached: network_error (transient), marked as the relay', async () => {
    mock.use(http.all(RELAY, () => HttpResponse.error()))
    await expect(sendThroughRelay(RELAY, fetch, new Request(TARGET))).rejects.toMatchObject({
      code: 'network_error',
      transient: true,
      details: { url: TARGET, relay: true },
    })
  })

  test('an aborted request rejects with the abort, not a network error', async () => {
    relay(() => new HttpResponse('late'))
    const controller = new AbortController()
    controller.abort()
    const error = await sendThroughRelay(
      RELAY,
      fetch,
      new Request(TARGET, { signal: controller.signal }),
    ).catch((e) => e)
    expect(error).not.toBeInstanceOf(McpAuthError)
    expect((error as Error).name).toBe('AbortError')
  })
})
