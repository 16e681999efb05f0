import { expect, test } from 'vitest'
import { pageRequest, RELAY, relayWorld } from '../test-support/relay.js'

const SECRETS = {
  accessToken: 'at-SECRET-0001',
  dpopProof: 'dpop-SECRET-0002',
  code: 'code-SECRET-0003',
  verifier: 'verifier-SECRET-0004',
  refreshToken: 'rt-SECRET-0005',
  clientSecret: 'client-SECRET-0006',
  cookie: 'cookie-SECRET-0007',
  queryToken: 'query-SECRET-0008',
  sessionId: 'session-SECRET-0009',
  nonce: 'nonce-SECRET-0010',
}
const ISSUER = 'https://auth.example.com'

/** Every request a page could send, each full of secrets, through every path of the relay. */
function requests(): Request[] {
  const form = (target: string, extra: Record<string, string>) =>
    pageRequest(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        dpop: SECRETS.dpopProof,
        cookie: `s=${SECRETS.cookie}`,
      },
      body: new URLSearchParams({ client_id: 'app-client', ...extra }).toString(),
    })
  const mcp = (target: string, init: RequestInit = {}) =>
    pageRequest(target, {
      method: 'POST',
      ...init,
      headers: {
        authorization: `Bearer ${SECRETS.accessToken}`,
        'mcp-session-id': SECRETS.sessionId,
        cookie: `s=${SECRETS.cookie}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'tools/call',
        params: { token: SECRETS.accessToken },
      }),
    })
  return [
    form(`${ISSUER}/token?code=${SECRETS.queryToken}`, {
      grant_type: 'authorization_code',
      code: SECRETS.code,
      code_verifier: SECRETS.verifier,
    }),
    form(`${ISSUER}/token`, {
      grant_type: 'authorization_code',
      code: SECRETS.code,
      code_verifier: SECRETS.verifier,
    }),
    form(`${ISSUER}/token`, { grant_type: 'refresh_token', refresh_token: SECRETS.refreshToken }),
    form(`${ISSUER}/revoke`, { token: SECRETS.refreshToken }),
    mcp(`https://mcp.example.com/mcp?key=${SECRETS.queryToken}`),
    mcp(`https://mcp.example.com/redirect?key=${SECRETS.queryToken}`),
    mcp(`https://mcp.example.com/down?key=${SECRETS.queryToken}`),
    // Refused before going anywhere, for each reason a page can cause.
    mcp(`https://elsewhere.example/mcp?key=${SECRETS.queryToken}`),
    mcp(`http://mcp.example.com/mcp?key=${SECRETS.queryToken}`),
    mcp(`https://u:${SECRETS.queryToken}@mcp.example.com/mcp`),
    mcp(`https://private.example.com/mcp?key=${SECRETS.queryToken}`),
    mcp(`https://mcp.example.com/mcp?key=${SECRETS.queryToken}`, { method: 'PUT' }),
    new Request(
      `${RELAY}?url=${encodeURIComponent(`https://mcp.example.com/mcp?key=${SECRETS.queryToken}`)}`,
      {
        method: 'POST',
        headers: { origin: 'https://evil.example', authorization: `Bearer ${SECRETS.accessToken}` },
        body: SECRETS.code,
      },
    ),
    new Request(`${RELAY}?url=${SECRETS.queryToken}`, {
      headers: { origin: 'https://chat.example', authorization: `Bearer ${SECRETS.accessToken}` },
    }),
  ]
}

test('a request full of secrets: no event and no refusal message carries any of them', async () => {
  const world = relayWorld({
    allow: ['mcp.example.com', 'auth.example.com', 'private.example.com'],
    dns: { 'private.example.com': ['10.0.0.1'] },
    clients: { [ISSUER]: { clientId: 'app-client', clientSecret: SECRETS.clientSecret } },
    answer: (call) => {
      if (call.url.includes('/.well-known/')) {
        return Response.json({
          issuer: ISSUER,
          token_endpoint: `${ISSUER}/token`,
          revocation_endpoint: `${ISSUER}/revoke`,
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          revocation_endpoint_auth_methods_supported: ['client_secret_post'],
        })
      }
      const path = new URL(call.url).pathname
      if (path === '/redirect')
        return new Response(null, { status: 302, headers: { location: '/next' } })
      if (path === '/down') throw new TypeError(`fetch failed: ${call.url}`)
      return new Response('{}', {
        headers: { 'dpop-nonce': SECRETS.nonce, 'set-cookie': `s=${SECRETS.cookie}` },
      })
    },
  })
  const answers: string[] = []
  for (const request of requests()) {
    const response = await world.relay(request)
    answers.push(
      JSON.stringify({ status: response.status, headers: [...response.headers] }),
      await response.text(),
    )
  }
  // A target too slow to answer: a timeout of its own, so that nothing else races the deadline.
  const slow = relayWorld({ headersTimeout: 1, answer: () => new Promise(() => {}) })
  const late = await slow.relay(
    pageRequest(`https://mcp.example.com/slow?key=${SECRETS.queryToken}`, {
      headers: { authorization: `Bearer ${SECRETS.accessToken}` },
    }),
  )
  expect(late.headers.get('mcp-relay-error')).toBe('timeout')
  answers.push(await late.text())

  expect(world.events).toHaveLength(requests().length)
  const told = JSON.stringify([...world.events, ...slow.events])
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(told, name).not.toContain(secret)
  }
  // What the relay itself wrote to pages: its refusals and headers, never a secret of the page's
  // request or the client secret. (Target bodies pass through untouched; they are the target's.)
  const own = answers.filter((text) => !text.startsWith('{}'))
  for (const [name, secret] of Object.entries(SECRETS)) {
    if (name === 'nonce') continue
    expect(own.join('\n'), name).not.toContain(secret)
  }
  // The client secret went to the token and revocation endpoints, and only there.
  const withSecret = world.calls.filter((call) => call.body?.includes(SECRETS.clientSecret))
  expect(withSecret.map((call) => call.url)).toEqual([
    `${ISSUER}/token`,
    `${ISSUER}/token`,
    `${ISSUER}/revoke`,
  ])
})

test('the relay never writes to the console', async () => {
  const calls: unknown[] = []
  const original = { ...console }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    console[method] = (...args: unknown[]) => calls.push(args)
  }
  try {
    const world = relayWorld({ answer: () => Promise.reject(new Error('down')) })
    await world.relay(
      pageRequest('https://mcp.example.com/mcp', { headers: { authorization: 'Bearer x' } }),
    )
    await world.relay(pageRequest('https://elsewhere.example/'))
  } finally {
    Object.assign(console, original)
  }
  expect(calls).toEqual([])
})
