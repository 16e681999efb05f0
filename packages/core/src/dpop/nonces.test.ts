import { describe, expect, test } from 'vitest'
import { DpopNonces, isResourceNonceChallenge, isTokenEndpointNonceChallenge } from './nonces.js'

const withNonce = (nonce: string, init: ResponseInit = {}) =>
  new Response(null, { ...init, headers: { ...init.headers, 'DPoP-Nonce': nonce } })

describe('the nonce cache (RFC 9449 §8.2)', () => {
  test('one nonce per origin: every path of an origin shares it, another origin does not', () => {
    const nonces = new DpopNonces()
    expect(nonces.remember('https://as.example.com/token?x=1', withNonce('n-1'))).toBe('n-1')
    expect(nonces.get('https://as.example.com/revoke')).toBe('n-1')
    expect(nonces.get(new URL('https://AS.example.com:443/other'))).toBe('n-1')
    expect(nonces.get('https://as.example.com:8443/token')).toBeUndefined()
    expect(nonces.get('https://mcp.example.com/mcp')).toBeUndefined()
    nonces.remember('https://as.example.com/token', withNonce('n-2'))
    expect(nonces.get('https://as.example.com/token')).toBe('n-2')
  })

  test('a response without a nonce, or with a blank one, keeps the nonce already known', () => {
    const nonces = new DpopNonces()
    nonces.remember('https://as.example.com/token', withNonce('n-1'))
    expect(nonces.remember('https://as.example.com/token', new Response(null))).toBeUndefined()
    expect(nonces.remember('https://as.example.com/token', withNonce('\u00a0\f'))).toBeUndefined()
    expect(nonces.get('https://as.example.com/token')).toBe('n-1')
  })

  test('surrounding white space is not part of the nonce', () => {
    const nonces = new DpopNonces()
    expect(nonces.remember('https://as.example.com/token', withNonce('\u00a0n-1\v'))).toBe('n-1')
    expect(nonces.get('https://as.example.com/token')).toBe('n-1')
  })

  test('a URL that does not parse has no nonce and learns none', () => {
    const nonces = new DpopNonces()
    expect(nonces.remember('not a url', withNonce('n-1'))).toBeUndefined()
    expect(nonces.get('not a url')).toBeUndefined()
  })

  test('at most 100 origins by default: the one least recently told its nonce goes first', () => {
    const nonces = new DpopNonces()
    const origin = (i: number) => `https://s${i}.example.com/token`
    for (let i = 0; i < 100; i++) nonces.remember(origin(i), withNonce(`n-${i}`))
    // A new nonce of an origin already known makes it the most recent, and evicts nobody.
    nonces.remember(origin(0), withNonce('n-0b'))
    for (let i = 0; i < 100; i++) expect(nonces.get(origin(i))).toBeDefined()
    nonces.remember(origin(100), withNonce('n-100'))
    expect(nonces.get(origin(1))).toBeUndefined()
    expect(nonces.get(origin(0))).toBe('n-0b')
    expect(nonces.get(origin(2))).toBe('n-2')
    expect(nonces.get(origin(100))).toBe('n-100')
  })

  test('a smaller limit keeps exactly that many origins', () => {
    const nonces = new DpopNonces(2)
    nonces.remember('https://a.example.com/', withNonce('a'))
    nonces.remember('https://b.example.com/', withNonce('b'))
    expect(nonces.get('https://a.example.com/')).toBe('a')
    expect(nonces.get('https://b.example.com/')).toBe('b')
    nonces.remember('https://c.example.com/', withNonce('c'))
    expect(nonces.get('https://a.example.com/')).toBeUndefined()
    expect(nonces.get('https://b.example.com/')).toBe('b')
    expect(nonces.get('https://c.example.com/')).toBe('c')
  })
})

describe('token endpoint nonce challenges (RFC 9449 §8)', () => {
  const answer = (status: number, body: string | null, nonce?: string) =>
    new Response(body, {
      status,
      headers: {
        'content-type': 'application/json',
        ...(nonce === undefined ? {} : { 'DPoP-Nonce': nonce }),
      },
    })

  test('HTTP 400, error use_dpop_nonce and a nonce: a challenge, and the body stays readable', async () => {
    const response = answer(400, '{"error":"use_dpop_nonce"}', 'n-1')
    expect(await isTokenEndpointNonceChallenge(response)).toBe(true)
    expect(await response.json()).toEqual({ error: 'use_dpop_nonce' })
  })

  test.each([
    ['another status', answer(401, '{"error":"use_dpop_nonce"}', 'n-1')],
    ['no DPoP-Nonce', answer(400, '{"error":"use_dpop_nonce"}')],
    ['another error', answer(400, '{"error":"invalid_grant"}', 'n-1')],
    ['a body that is not JSON', answer(400, 'use_dpop_nonce', 'n-1')],
    ['a JSON null body', answer(400, 'null', 'n-1')],
  ])('%s: not a challenge', async (_name, response) => {
    expect(await isTokenEndpointNonceChallenge(response)).toBe(false)
  })
})

describe('resource server nonce challenges (RFC 9449 §9)', () => {
  const answer = (status: number, challenge: string, nonce?: string) =>
    new Response(null, {
      status,
      headers: {
        'WWW-Authenticate': challenge,
        ...(nonce === undefined ? {} : { 'DPoP-Nonce': nonce }),
      },
    })

  test('HTTP 401 with a DPoP use_dpop_nonce challenge and a nonce, among other challenges', () => {
    expect(isResourceNonceChallenge(answer(401, 'DPoP error="use_dpop_nonce"', 'n'))).toBe(true)
    expect(
      isResourceNonceChallenge(
        answer(401, 'Bearer realm="mcp", DPoP error="use_dpop_nonce", algs="ES256"', 'n'),
      ),
    ).toBe(true)
  })

  test.each([
    ['another status', answer(403, 'DPoP error="use_dpop_nonce"', 'n')],
    ['no DPoP-Nonce', answer(401, 'DPoP error="use_dpop_nonce"')],
    ['a Bearer challenge', answer(401, 'Bearer error="use_dpop_nonce"', 'n')],
    ['another error', answer(401, 'DPoP error="invalid_token"', 'n')],
  ])('%s: not a challenge', (_name, response) => {
    expect(isResourceNonceChallenge(response)).toBe(false)
  })
})
