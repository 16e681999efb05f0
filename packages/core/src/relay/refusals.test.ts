import { describe, expect, test } from 'vitest'
import { APP, pageRequest, RELAY, refusalOf, relayWorld } from '../test-support/relay.js'

const TARGET = 'https://mcp.example.com/mcp'

/** Asserts a refusal: its status, reason (header and body), kind, and that nothing went out. */
async function expectRefused(
  world: ReturnType<typeof relayWorld>,
  request: Request,
  status: number,
  reason: string,
) {
  const response = await world.relay(request)
  const refusal = await refusalOf(response)
  expect(refusal).toEqual({
    status,
    header: reason,
    body: {
      error: status < 500 ? 'relay_refused' : 'relay_failed',
      reason,
      message: expect.any(String),
    },
  })
  expect(response.headers.get('content-type')).toBe('application/json')
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(world.events.at(-1)).toEqual(expect.objectContaining({ reason, status }))
  return response
}

describe('not an open proxy: who may use the relay', () => {
  test('a page of another origin is refused (origin_not_allowed), and cannot read why', async () => {
    const world = relayWorld()
    const response = await expectRefused(
      world,
      pageRequest(TARGET, { headers: { origin: 'https://evil.example' } }),
      403,
      'origin_not_allowed',
    )
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(world.calls).toHaveLength(0)
    expect(world.lookups).toHaveLength(0)
  })

  test.each([
    ['the origin with a trailing slash', `${APP}/`],
    ['the origin over http', APP.replace('https', 'http')],
    ['a subdomain of it', 'https://sub.chat.example'],
    ['its other port', `${APP}:8443`],
    ['the opaque origin', 'null'],
  ])('%s is another origin', async (_, origin) => {
    const world = relayWorld()
    await expectRefused(
      world,
      pageRequest(TARGET, { headers: { origin } }),
      403,
      'origin_not_allowed',
    )
    expect(world.calls).toHaveLength(0)
  })

  test.each([
    ['no Origin and no Sec-Fetch-Site (not a browser)', {}],
    ['no Origin, Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['no Origin, Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['no Origin, Sec-Fetch-Site: none (typed in the address bar)', { 'sec-fetch-site': 'none' }],
  ])('a request with %s is refused', async (_, headers: Record<string, string>) => {
    const world = relayWorld()
    const request = new Request(`${RELAY}?url=${encodeURIComponent(TARGET)}`, { headers })
    await expectRefused(world, request, 403, 'origin_not_allowed')
    expect(world.calls).toHaveLength(0)
  })

  test.each([
    ['a same-origin navigation', { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }],
    ['a frame', { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }],
    ['a navigation that names no destination', { 'sec-fetch-mode': 'navigate' }],
    ['an image', { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }],
    ['a script', { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' }],
  ])('%s from the app itself is refused: only fetch() calls are served', async (_, extra) => {
    const world = relayWorld()
    const request = new Request(`${RELAY}?url=${encodeURIComponent(TARGET)}`, {
      headers: { 'sec-fetch-site': 'same-origin', ...extra },
    })
    await expectRefused(world, request, 403, 'origin_not_allowed')
    expect(world.calls).toHaveLength(0)
  })

  test('a same-origin GET without Origin is served (a browser omits Origin there)', async () => {
    const world = relayWorld()
    const request = new Request(`${RELAY}?url=${encodeURIComponent(TARGET)}`, {
      headers: {
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'cors',
        'sec-fetch-dest': 'empty',
      },
    })
    const response = await world.relay(request)
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(world.calls).toHaveLength(1)
  })

  test('a page of a listed origin is served, with CORS for it alone', async () => {
    const world = relayWorld({ origins: ['https://other.example', APP] })
    const response = await world.relay(pageRequest(TARGET))
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(APP)
    expect(response.headers.get('vary')).toBe('Origin')
    expect(world.calls).toHaveLength(1)
  })
})

describe('not an open proxy: where the relay goes', () => {
  test.each([
    ['a host not in the allowlist', 'https://elsewhere.example/mcp'],
    ['a subdomain of an allowed host', 'https://evil.mcp.example.com/mcp'],
    ['a host that ends like an allowed one', 'https://notmcp.example.com/mcp'],
    ['an allowed name as a prefix', 'https://mcp.example.com.evil.example/mcp'],
    ['an IP literal', 'https://93.184.215.14/mcp'],
  ])('%s is refused (target_not_allowed)', async (_, target) => {
    const world = relayWorld()
    await expectRefused(world, pageRequest(target), 403, 'target_not_allowed')
    expect(world.calls).toHaveLength(0)
    expect(world.lookups).toHaveLength(0)
  })

  test('a host with a port in the allowlist allows that port only', async () => {
    const world = relayWorld({ allow: ['mcp.example.com:8443'] })
    await expectRefused(world, pageRequest(TARGET), 403, 'target_not_allowed')
    await expectRefused(
      world,
      pageRequest('https://mcp.example.com:9443/mcp'),
      403,
      'target_not_allowed',
    )
    expect((await world.relay(pageRequest('https://mcp.example.com:8443/mcp'))).status).toBe(200)
    expect(world.calls.map((call) => call.url)).toEqual(['https://mcp.example.com:8443/mcp'])
  })

  test('a host without a port allows any port; :443 means the https default', async () => {
    const world = relayWorld({ allow: ['mcp.example.com', 'auth.example.com:443'] })
    expect((await world.relay(pageRequest('https://mcp.example.com:8443/mcp'))).status).toBe(200)
    expect((await world.relay(pageRequest('https://auth.example.com/token'))).status).toBe(200)
    await expectRefused(
      world,
      pageRequest('https://auth.example.com:8443/token'),
      403,
      'target_not_allowed',
    )
  })

  test(':80 means the http default, for loopback with allowLoopback', async () => {
    const world = relayWorld({ allow: ['127.0.0.1:80'], allowLoopback: true })
    expect((await world.relay(pageRequest('http://127.0.0.1/mcp'))).status).toBe(200)
    await expectRefused(world, pageRequest('https://127.0.0.1/mcp'), 403, 'target_not_allowed')
  })

  test('*.example.com allows subdomains, not example.com itself', async () => {
    const world = relayWorld({ allow: ['*.example.com'] })
    expect((await world.relay(pageRequest('https://a.b.example.com/mcp'))).status).toBe(200)
    await expectRefused(world, pageRequest('https://example.com/mcp'), 403, 'target_not_allowed')
  })

  test('a function decides from a copy of the target URL', async () => {
    const seen: string[] = []
    const world = relayWorld({
      allow: (url) => {
        seen.push(url.href)
        url.hostname = 'mcp.example.com'
        return url.pathname === '/ok'
      },
    })
    await expectRefused(world, pageRequest('https://x.example/no'), 403, 'target_not_allowed')
    expect((await world.relay(pageRequest('https://x.example/ok'))).status).toBe(200)
    expect(seen).toEqual(['https://x.example/no', 'https://x.example/ok'])
    // The function's edit to its copy does not move the request.
    expect(world.calls.map((call) => call.url)).toEqual(['https://x.example/ok'])
  })

  test('a function that returns something other than true refuses', async () => {
    const world = relayWorld({ allow: (() => 'yes') as unknown as () => boolean })
    await expectRefused(world, pageRequest(TARGET), 403, 'target_not_allowed')
  })

  test.each([
    ['no url parameter', `${RELAY}`],
    ['an empty url parameter', `${RELAY}?url=`],
    [
      'two url parameters',
      `${RELAY}?url=${encodeURIComponent(TARGET)}&url=${encodeURIComponent(TARGET)}`,
    ],
    ['a relative URL', `${RELAY}?url=%2Fmcp`],
    ['a javascript: URL', `${RELAY}?url=${encodeURIComponent('javascript:alert(1)')}`],
    ['a data: URL', `${RELAY}?url=${encodeURIComponent('data:text/plain,hi')}`],
    ['a file: URL', `${RELAY}?url=${encodeURIComponent('file:///etc/passwd')}`],
    ['a ws: URL', `${RELAY}?url=${encodeURIComponent('wss://mcp.example.com/mcp')}`],
    [
      'credentials in the URL',
      `${RELAY}?url=${encodeURIComponent('https://u:p@mcp.example.com/mcp')}`,
    ],
    [
      'a user name in the URL',
      `${RELAY}?url=${encodeURIComponent('https://u@mcp.example.com/mcp')}`,
    ],
  ])('%s is refused (invalid_target)', async (_, url) => {
    const world = relayWorld()
    await expectRefused(
      world,
      new Request(url, { headers: { origin: APP } }),
      400,
      'invalid_target',
    )
    expect(world.calls).toHaveLength(0)
  })

  test('http: is refused (insecure_target), even for an allowed host', async () => {
    const world = relayWorld()
    await expectRefused(world, pageRequest('http://mcp.example.com/mcp'), 403, 'insecure_target')
    expect(world.calls).toHaveLength(0)
  })

  test('http: to loopback is refused without allowLoopback', async () => {
    const world = relayWorld({ allow: ['127.0.0.1', 'localhost'] })
    await expectRefused(world, pageRequest('http://127.0.0.1:3000/mcp'), 403, 'insecure_target')
    await expectRefused(
      relayWorld({ allow: ['localhost'] }),
      pageRequest('http://localhost:3000/mcp'),
      403,
      'insecure_target',
    )
  })

  test('with allowLoopback, http: reaches loopback hosts, and a name only if it resolves to loopback', async () => {
    const world = relayWorld({
      allow: ['127.0.0.1', 'localhost', '[::1]', 'dev.localhost'],
      allowLoopback: true,
      dns: { localhost: ['127.0.0.1', '::1'], 'dev.localhost': ['93.184.215.14'] },
    })
    expect((await world.relay(pageRequest('http://127.0.0.1:3000/mcp'))).status).toBe(200)
    expect((await world.relay(pageRequest('http://localhost:3000/mcp'))).status).toBe(200)
    expect((await world.relay(pageRequest('http://[::1]:3000/mcp'))).status).toBe(200)
    expect(world.calls.map((call) => call.addresses)).toEqual([
      ['127.0.0.1'],
      ['127.0.0.1', '::1'],
      ['::1'],
    ])
    const response = await world.relay(pageRequest('http://dev.localhost:3000/mcp'))
    expect((await refusalOf(response)).header).toBe('insecure_target')
    expect(world.calls).toHaveLength(3)
  })

  test('with allowLoopback, http: to a name with one address off the machine is refused', async () => {
    const world = relayWorld({
      allow: ['dev.localhost'],
      allowLoopback: true,
      dns: { 'dev.localhost': ['127.0.0.1', '93.184.215.14'] },
    })
    await expectRefused(world, pageRequest('http://dev.localhost/mcp'), 403, 'insecure_target')
    expect(world.calls).toHaveLength(0)
  })

  test('with allowLoopback, http: to a host that is not loopback is still refused', async () => {
    const world = relayWorld({ allowLoopback: true })
    await expectRefused(world, pageRequest('http://mcp.example.com/mcp'), 403, 'insecure_target')
  })
})

describe('not an open proxy: the addresses behind a name (SSRF)', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.5', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'the metadata address'],
    ['100.100.100.200', "Alibaba's metadata address"],
    ['100.64.1.1', 'CGNAT'],
    ['fd00:ec2::254', "AWS's IPv6 metadata address"],
    ['fc00::5', 'unique local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified IPv6'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['2002:c0a8:0101::1', '6to4 of a private address'],
    ['not-an-address', 'an answer that is not an address'],
  ])('a name that resolves to %s (%s) is refused (private_address)', async (address) => {
    const world = relayWorld({ dns: { 'mcp.example.com': [address] } })
    await expectRefused(world, pageRequest(TARGET), 403, 'private_address')
    expect(world.calls).toHaveLength(0)
  })

  test('one private address among public ones refuses the target', async () => {
    const world = relayWorld({
      dns: { 'mcp.example.com': ['93.184.215.14', '2606:4700::1', '10.0.0.7'] },
    })
    await expectRefused(world, pageRequest(TARGET), 403, 'private_address')
    expect(world.calls).toHaveLength(0)
  })

  test('loopback is refused over https too, without allowLoopback', async () => {
    const world = relayWorld({ allow: ['localhost'], dns: { localhost: ['127.0.0.1'] } })
    await expectRefused(world, pageRequest('https://localhost/mcp'), 403, 'private_address')
  })

  test.each([
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['https://2852039166/latest/meta-data/', 'the metadata address in decimal'],
    ['https://0xa9.0xfe.0xa9.0xfe/', 'the metadata address in hex'],
    ['https://[::ffff:169.254.169.254]/', 'the metadata address, IPv4-mapped'],
    ['https://[fd00:ec2::254]/', "AWS's IPv6 metadata address"],
    ['https://10.0.0.1/', 'a private address'],
    ['https://[::1]/', 'IPv6 loopback'],
  ])('an IP literal target %s (%s) is refused without asking the resolver', async (target) => {
    const world = relayWorld({ allow: () => true })
    await expectRefused(world, pageRequest(target), 403, 'private_address')
    expect(world.lookups).toHaveLength(0)
    expect(world.calls).toHaveLength(0)
  })

  test('a public IP literal goes out to exactly that address, unresolved', async () => {
    const world = relayWorld({ allow: () => true })
    expect((await world.relay(pageRequest('https://93.184.215.14/mcp'))).status).toBe(200)
    expect(world.lookups).toHaveLength(0)
    expect(world.calls[0]?.addresses).toEqual(['93.184.215.14'])
  })

  test('the name is resolved on every request, and fetch is told the addresses checked', async () => {
    let answer = ['93.184.215.14']
    const world = relayWorld({ resolve: async () => answer })
    expect((await world.relay(pageRequest(TARGET))).status).toBe(200)
    answer = ['10.0.0.7']
    await expectRefused(world, pageRequest(TARGET), 403, 'private_address')
    expect(world.calls).toHaveLength(1)
    expect(world.calls[0]?.addresses).toEqual(['93.184.215.14'])
  })

  test('a name that does not resolve fails (upstream_unreachable)', async () => {
    const world = relayWorld({ dns: { 'mcp.example.com': [] } })
    await expectRefused(world, pageRequest(TARGET), 502, 'upstream_unreachable')
    const throwing = relayWorld({
      resolve: async () => {
        throw new Error('ENOTFOUND')
      },
    })
    await expectRefused(throwing, pageRequest(TARGET), 502, 'upstream_unreachable')
    expect(world.calls).toHaveLength(0)
    expect(throwing.calls).toHaveLength(0)
  })
})

describe('protocol-only', () => {
  test.each(['PUT', 'PATCH', 'HEAD', 'CONNECT_', 'TRACE_'])(
    '%s is refused (method_not_allowed)',
    async (method) => {
      const world = relayWorld()
      const response = await expectRefused(
        world,
        pageRequest(TARGET, { method: method.replace('_', 'X') }),
        405,
        'method_not_allowed',
      )
      expect(response.headers.get('allow')).toBe('GET, POST, DELETE, OPTIONS')
      // Other refusals say nothing about methods.
      const other = await world.relay(pageRequest('https://elsewhere.example/'))
      expect(other.headers.has('allow')).toBe(false)
      expect(world.calls).toHaveLength(0)
    },
  )

  test('an OPTIONS that is not a preflight is refused, not forwarded', async () => {
    const world = relayWorld()
    await expectRefused(
      world,
      pageRequest(TARGET, { method: 'OPTIONS' }),
      405,
      'method_not_allowed',
    )
    expect(world.calls).toHaveLength(0)
  })

  test('a body over the limit is refused (body_too_large), by its Content-Length', async () => {
    const world = relayWorld({ maxBodyBytes: 10 })
    const request = pageRequest(TARGET, {
      method: 'POST',
      body: '01234567890',
      headers: { 'content-type': 'application/json' },
    })
    await expectRefused(world, request, 413, 'body_too_large')
    expect(world.calls).toHaveLength(0)
  })

  test('a streamed body with no length is cut once it passes the limit, the rest unread', async () => {
    const world = relayWorld({ maxBodyBytes: 8 })
    let pulled = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        controller.enqueue(new Uint8Array(5))
        if (pulled === 100) controller.close()
      },
    })
    const request = pageRequest(TARGET, { method: 'POST', body, duplex: 'half' })
    await expectRefused(world, request, 413, 'body_too_large')
    expect(pulled).toBeLessThan(5)
    expect(world.calls).toHaveLength(0)
  })

  test('a body of exactly the limit goes through; the default limit is 1 MiB', async () => {
    const world = relayWorld({ maxBodyBytes: 10 })
    const request = pageRequest(TARGET, { method: 'POST', body: '0123456789' })
    expect((await world.relay(request)).status).toBe(200)
    expect(world.calls[0]?.body).toBe('0123456789')

    const defaults = relayWorld()
    const mib = 1024 * 1024
    expect(
      (await defaults.relay(pageRequest(TARGET, { method: 'POST', body: 'x'.repeat(mib) }))).status,
    ).toBe(200)
    await expectRefused(
      defaults,
      pageRequest(TARGET, { method: 'POST', body: 'x'.repeat(mib + 1) }),
      413,
      'body_too_large',
    )
    expect(defaults.calls).toHaveLength(1)
  })

  test('a page that stops sending its body mid-way ends the request (aborted)', async () => {
    const world = relayWorld()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(3))
        controller.error(new Error('connection reset'))
      },
    })
    const request = pageRequest(TARGET, { method: 'POST', body, duplex: 'half' })
    await expectRefused(world, request, 502, 'aborted')
    expect(world.calls).toHaveLength(0)
  })

  test('a target that sends no headers in time fails (timeout), and its request is aborted', async () => {
    let aborted = false
    const world = relayWorld({
      headersTimeout: 1,
      answer: (call) =>
        new Promise((_, reject) => {
          call.signal.addEventListener('abort', () => {
            aborted = true
            reject(new DOMException('aborted', 'AbortError'))
          })
        }),
    })
    await expectRefused(world, pageRequest(TARGET), 504, 'timeout')
    expect(aborted).toBe(true)
  })

  test('a resolver that never answers times out too', async () => {
    const world = relayWorld({ headersTimeout: 1, resolve: () => new Promise(() => {}) })
    await expectRefused(world, pageRequest(TARGET), 504, 'timeout')
    expect(world.calls).toHaveLength(0)
  })

  test('a fetch that ignores the abort still ends in a timeout', async () => {
    const world = relayWorld({ headersTimeout: 1, answer: () => new Promise(() => {}) })
    await expectRefused(world, pageRequest(TARGET), 504, 'timeout')
  })

  test('a target that cannot be reached fails (upstream_unreachable)', async () => {
    const world = relayWorld({
      answer: () => {
        throw new TypeError('fetch failed')
      },
    })
    await expectRefused(world, pageRequest(TARGET), 502, 'upstream_unreachable')
  })

  test('a page that went away before the answer aborts the upstream request (aborted)', async () => {
    const page = new AbortController()
    let upstreamAborted = false
    const world = relayWorld({
      answer: (call) =>
        new Promise((_, reject) => {
          call.signal.addEventListener('abort', () => {
            upstreamAborted = true
            reject(new DOMException('aborted', 'AbortError'))
          })
          page.abort()
        }),
    })
    await expectRefused(world, pageRequest(TARGET, { signal: page.signal }), 502, 'aborted')
    expect(upstreamAborted).toBe(true)
  })

  test('a page already gone is not forwarded', async () => {
    const page = new AbortController()
    page.abort()
    const world = relayWorld()
    await expectRefused(world, pageRequest(TARGET, { signal: page.signal }), 502, 'aborted')
    expect(world.calls).toHaveLength(0)
  })
})
