import { expect, test } from 'vitest'
import { APP, pageRequest, RELAY, relayWorld } from '../test-support/relay.js'

const TARGET = 'https://mcp.example.com/mcp'

/**
 * What each refusal tells the developer, word for word: the message names what was refused
 * (an origin, a host) and never echoes the request's query, headers or body.
 */
test.each([
  [
    'an origin not listed',
    () => pageRequest(TARGET, { headers: { origin: 'https://evil.example' } }),
    {},
    'Origin https://evil.example may not use this relay.',
  ],
  [
    'no Origin, not same-origin',
    () => new Request(`${RELAY}?url=${encodeURIComponent(TARGET)}`),
    {},
    'The request has no Origin and is not marked Sec-Fetch-Site: same-origin.',
  ],
  [
    'a navigation',
    () => pageRequest(TARGET, { headers: { 'sec-fetch-mode': 'navigate' } }),
    {},
    'The relay answers fetch() requests only.',
  ],
  [
    'another method',
    () => pageRequest(TARGET, { method: 'PUT' }),
    {},
    'The relay forwards GET, POST and DELETE.',
  ],
  [
    'no target',
    () => new Request(RELAY, { headers: { origin: APP } }),
    {},
    'Give the target as exactly one ?url=.',
  ],
  [
    'a target that is not http(s)',
    () => pageRequest('ftp://mcp.example.com/mcp'),
    {},
    'The target is not an absolute http(s) URL.',
  ],
  [
    'credentials in the target',
    () => pageRequest('https://user:secret@mcp.example.com/mcp'),
    {},
    'The target URL carries credentials.',
  ],
  [
    'plain http',
    () => pageRequest('http://mcp.example.com:8080/mcp'),
    {},
    'mcp.example.com:8080 is not reachable over http:.',
  ],
  [
    'plain http to a name off the machine',
    () => pageRequest('http://dev.localhost/mcp'),
    { allow: ['dev.localhost'], allowLoopback: true },
    'dev.localhost is not a loopback host: use https:.',
  ],
  [
    'a host not allowed',
    () => pageRequest('https://elsewhere.example:8443/x'),
    {},
    "elsewhere.example:8443 is not in the relay's allowlist.",
  ],
  [
    'a private address',
    () => pageRequest(TARGET),
    { dns: { 'mcp.example.com': ['10.0.0.1'] } },
    'mcp.example.com resolves to an address the relay may not reach (private, loopback, link-local or reserved).',
  ],
  [
    'a name that does not resolve',
    () => pageRequest(TARGET),
    { dns: { 'mcp.example.com': [] } },
    'mcp.example.com could not be resolved.',
  ],
  [
    'a resolver that fails',
    () => pageRequest(TARGET),
    {
      resolve: () => Promise.reject(new Error('SERVFAIL')),
    },
    'mcp.example.com could not be resolved.',
  ],
  [
    'a target that cannot be reached',
    () => pageRequest(TARGET),
    { answer: () => Promise.reject(new TypeError('fetch failed')) },
    'mcp.example.com could not be reached.',
  ],
  [
    'a target too slow',
    () => pageRequest(TARGET),
    { headersTimeout: 1, answer: () => new Promise<Response>(() => {}) },
    'mcp.example.com sent no response headers in time.',
  ],
  [
    'a body too large',
    () => pageRequest(TARGET, { method: 'POST', body: 'x'.repeat(11) }),
    { maxBodyBytes: 10 },
    'The request body is larger than 10 bytes.',
  ],
  [
    'a page that went away',
    () => {
      const page = new AbortController()
      page.abort()
      return pageRequest(TARGET, { signal: page.signal })
    },
    {},
    'The page went away before the target answered.',
  ],
  [
    'a body that stops',
    () =>
      pageRequest(TARGET, {
        method: 'POST',
        body: new ReadableStream({ start: (c) => c.error(new Error('reset')) }),
        duplex: 'half',
      }),
    {},
    'The page stopped sending its request body.',
  ],
] as const)('%s: the message', async (_, request, options, message) => {
  const world = relayWorld({ dns: { 'dev.localhost': ['93.184.215.14'] }, ...options })
  const response = await world.relay(request())
  expect(((await response.json()) as { message: string }).message).toBe(message)
})
