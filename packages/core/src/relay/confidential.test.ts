import { describe, expect, test, vi } from 'vitest'
import { pageRequest, refusalOf, relayWorld, type UpstreamCall } from '../test-support/relay.js'
import { formUrlEncode } from './client-auth.js'
import type { RelayConfidentialClient } from './types.js'

const ISSUER = 'https://auth.example.com'
const TOKEN = `${ISSUER}/token`
const REVOKE = `${ISSUER}/revoke`
const SECRET = 'se cr:et%+/ü'

/**
 * A relay holding one confidential client of ISSUER, whose metadata (fields merged from `as`,
 * `null` for none) the stub target serves at the RFC 8414 URL; every other target answers 200.
 */
function confidentialWorld(
  options: {
    as?: Record<string, unknown> | null
    client?: Partial<RelayConfidentialClient>
    dns?: Record<string, readonly string[]>
    metadataAt?: string
    issuer?: string
  } = {},
) {
  const issuer = options.issuer ?? ISSUER
  const metadataAt = options.metadataAt ?? `${ISSUER}/.well-known/oauth-authorization-server`
  return relayWorld({
    dns: options.dns ?? {},
    clients: {
      [issuer]: { clientId: 'app-client', clientSecret: SECRET, ...options.client },
    },
    answer: (call: UpstreamCall) => {
      if (call.url === metadataAt && options.as !== null) {
        return Response.json({
          issuer,
          token_endpoint: TOKEN,
          revocation_endpoint: REVOKE,
          ...options.as,
        })
      }
      if (call.url.includes('/.well-known/')) return new Response('not found', { status: 404 })
      return Response.json({ access_token: 'at', token_type: 'Bearer' })
    },
  })
}

const tokenRequest = (target: string, form: Record<string, string>, headers = {}) =>
  pageRequest(target, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  })

const CODE_GRANT = {
  grant_type: 'authorization_code',
  code: 'code-1',
  code_verifier: 'verifier-1',
  redirect_uri: 'https://chat.example/oauth/callback',
  client_id: 'app-client',
}

const upstreamCalls = (calls: UpstreamCall[]) =>
  calls.filter((c) => !c.url.includes('/.well-known/'))

describe('confidential clients: the relay adds client authentication', () => {
  test('client_secret_basic to the token endpoint, its parts form-encoded (RFC 6749 §2.3.1)', async () => {
    const world = confidentialWorld()
    const response = await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(response.status).toBe(200)
    const [call] = upstreamCalls(world.calls)
    const basic = call?.headers.get('authorization') ?? ''
    expect(basic).toMatch(/^Basic /)
    // Every byte but letters and digits escaped, a space as +, UTF-8 first.
    expect(atob(basic.slice(6))).toBe('app%2Dclient:se+cr%3Aet%25%2B%2F%C3%BC')
    expect(Object.fromEntries(new URLSearchParams(call?.body))).toEqual(CODE_GRANT)
    expect(world.events.at(-1)).toEqual(
      expect.objectContaining({
        outcome: 'forwarded',
        clientAuthentication: 'client_secret_basic',
      }),
    )
  })

  test('client_secret_post when the server lists only that', async () => {
    const world = confidentialWorld({
      as: { token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'] },
    })
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    const [call] = upstreamCalls(world.calls)
    expect(call?.headers.has('authorization')).toBe(false)
    expect(Object.fromEntries(new URLSearchParams(call?.body))).toEqual({
      ...CODE_GRANT,
      client_secret: SECRET,
    })
  })

  test('client_secret_basic when the server lists both, or neither of them', async () => {
    for (const supported of [
      ['client_secret_post', 'client_secret_basic'],
      ['private_key_jwt'],
      undefined,
    ]) {
      const world = confidentialWorld({ as: { token_endpoint_auth_methods_supported: supported } })
      await world.relay(tokenRequest(TOKEN, CODE_GRANT))
      expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
    }
  })

  test("the client's own method wins over the metadata", async () => {
    const world = confidentialWorld({ client: { authMethod: 'client_secret_post' } })
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    const [call] = upstreamCalls(world.calls)
    expect(call?.headers.has('authorization')).toBe(false)
    expect(new URLSearchParams(call?.body).get('client_secret')).toBe(SECRET)
  })

  test('the revocation endpoint, by revocation_endpoint_auth_methods_supported', async () => {
    const world = confidentialWorld({
      as: {
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        revocation_endpoint_auth_methods_supported: ['client_secret_post'],
      },
    })
    await world.relay(tokenRequest(REVOKE, { token: 'rt-1', client_id: 'app-client' }))
    const [call] = upstreamCalls(world.calls)
    expect(call?.url).toBe(REVOKE)
    expect(new URLSearchParams(call?.body).get('client_secret')).toBe(SECRET)
    expect(world.events.at(-1)).toEqual(
      expect.objectContaining({ clientAuthentication: 'client_secret_post' }),
    )
  })

  test('a request without client_id is authenticated as the client', async () => {
    const world = confidentialWorld()
    const { client_id: _, ...form } = CODE_GRANT
    await world.relay(tokenRequest(TOKEN, form))
    expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
  })

  test('what the page put in its place is dropped: one authentication only', async () => {
    const world = confidentialWorld({ client: { authMethod: 'client_secret_post' } })
    await world.relay(
      tokenRequest(
        TOKEN,
        { ...CODE_GRANT, client_secret: 'guess' },
        { authorization: 'Basic Z3Vlc3M=' },
      ),
    )
    const [call] = upstreamCalls(world.calls)
    expect(call?.headers.has('authorization')).toBe(false)
    expect(new URLSearchParams(call?.body).getAll('client_secret')).toEqual([SECRET])
    const basic = confidentialWorld()
    await basic.relay(
      tokenRequest(
        TOKEN,
        { ...CODE_GRANT, client_secret: 'guess' },
        { authorization: 'Basic Z3Vlc3M=' },
      ),
    )
    const [basicCall] = upstreamCalls(basic.calls)
    expect(new URLSearchParams(basicCall?.body).has('client_secret')).toBe(false)
    expect(basicCall?.headers.get('authorization')).not.toBe('Basic Z3Vlc3M=')
  })

  test('the metadata is read by a plain GET that asks for JSON, with nothing of the page', async () => {
    const world = confidentialWorld()
    await world.relay(tokenRequest(TOKEN, CODE_GRANT, { authorization: 'Bearer page-token' }))
    const [read] = world.calls
    expect(read?.method).toBe('GET')
    expect(read?.body).toBeUndefined()
    expect(Object.fromEntries(read!.headers)).toEqual({ accept: 'application/json' })
  })

  test('the metadata is kept ten minutes, then read again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const world = confidentialWorld()
      const reads = () => world.calls.filter((c) => c.url.includes('/.well-known/')).length
      await world.relay(tokenRequest(TOKEN, CODE_GRANT))
      vi.advanceTimersByTime(10 * 60 * 1000 - 1)
      await world.relay(tokenRequest(TOKEN, CODE_GRANT))
      expect(reads()).toBe(1)
      vi.advanceTimersByTime(1)
      await world.relay(tokenRequest(TOKEN, CODE_GRANT))
      expect(reads()).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })

  test('a form content type written with spaces and parameters is still a form', async () => {
    const world = confidentialWorld()
    await world.relay(
      tokenRequest(TOKEN, CODE_GRANT, {
        'content-type': 'application/x-www-form-urlencoded ; charset=utf-8',
      }),
    )
    expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
  })

  test('auth methods that are not a list count as absent: Basic', async () => {
    const world = confidentialWorld({
      as: { token_endpoint_auth_methods_supported: 'client_secret_post' },
    })
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
  })

  test('an endpoint that is not a URL string is no endpoint; the other one still works', async () => {
    const world = confidentialWorld({
      as: { token_endpoint: [TOKEN], revocation_endpoint: 'not a url' },
    })
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(upstreamCalls(world.calls)[0]?.headers.has('authorization')).toBe(false)
    const revocation = confidentialWorld({ as: { revocation_endpoint: 'not a url' } })
    await revocation.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(upstreamCalls(revocation.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
  })

  test('the metadata is read once, by the relay, and reused', async () => {
    const world = confidentialWorld()
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    await world.relay(tokenRequest(TOKEN, { ...CODE_GRANT, code: 'code-2' }))
    await world.relay(tokenRequest(REVOKE, { token: 'rt', client_id: 'app-client' }))
    expect(world.calls.filter((c) => c.url.includes('/.well-known/')).map((c) => c.url)).toEqual([
      `${ISSUER}/.well-known/oauth-authorization-server`,
    ])
  })

  test('two requests at once share one metadata read', async () => {
    const world = confidentialWorld()
    await Promise.all([
      world.relay(tokenRequest(TOKEN, CODE_GRANT)),
      world.relay(tokenRequest(TOKEN, { ...CODE_GRANT, code: 'code-2' })),
    ])
    expect(world.calls.filter((c) => c.url.includes('/.well-known/'))).toHaveLength(1)
    expect(
      upstreamCalls(world.calls).every((c) => c.headers.get('authorization')?.startsWith('Basic ')),
    ).toBe(true)
  })

  test('an issuer with a path: RFC 8414 insertion, then OpenID Connect insertion and append', async () => {
    const issuer = `${ISSUER}/tenant/1`
    for (const metadataAt of [
      `${ISSUER}/.well-known/oauth-authorization-server/tenant/1`,
      `${ISSUER}/.well-known/openid-configuration/tenant/1`,
      `${ISSUER}/tenant/1/.well-known/openid-configuration`,
    ]) {
      const world = confidentialWorld({ issuer, metadataAt })
      await world.relay(tokenRequest(TOKEN, CODE_GRANT))
      expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
    }
  })

  test('a root issuer also finds OpenID Connect discovery', async () => {
    const world = confidentialWorld({ metadataAt: `${ISSUER}/.well-known/openid-configuration` })
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
  })
})

describe('confidential clients: the secret goes nowhere else', () => {
  test.each([
    ['another path on the same host', `${ISSUER}/token2`],
    ['the token path with a query', `${TOKEN}?x=1`],
    ['the token path on another allowed host', 'https://mcp.example.com/token'],
    ['the MCP endpoint', 'https://mcp.example.com/mcp'],
  ])('a form POST to %s goes as the page sent it', async (_, target) => {
    const world = confidentialWorld()
    await world.relay(tokenRequest(target, CODE_GRANT))
    const [call] = upstreamCalls(world.calls)
    expect(call?.url).toBe(target)
    expect(call?.headers.has('authorization')).toBe(false)
    expect(call?.body).not.toContain('client_secret')
    expect(JSON.stringify(call)).not.toContain('cr%3Aet')
  })

  test('a request naming another client goes as the page sent it', async () => {
    const world = confidentialWorld()
    await world.relay(tokenRequest(TOKEN, { ...CODE_GRANT, client_id: 'someone-else' }))
    expect(upstreamCalls(world.calls)[0]?.headers.has('authorization')).toBe(false)
    const twice = confidentialWorld()
    await twice.relay(
      pageRequest(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code&client_id=app-client&client_id=app-client',
      }),
    )
    expect(upstreamCalls(twice.calls)[0]?.headers.has('authorization')).toBe(false)
  })

  test('a form POST with no body, or bytes with no content type, go as the page sent them', async () => {
    const world = confidentialWorld()
    await world.relay(
      pageRequest(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    )
    await world.relay(
      pageRequest(TOKEN, {
        method: 'POST',
        body: new TextEncoder().encode(new URLSearchParams(CODE_GRANT).toString()),
      }),
    )
    expect(upstreamCalls(world.calls).map((c) => c.headers.has('authorization'))).toEqual([
      false,
      false,
    ])
  })

  test('a POST that is not a form, and a GET, go as the page sent them', async () => {
    const world = confidentialWorld()
    await world.relay(
      pageRequest(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(CODE_GRANT),
      }),
    )
    await world.relay(pageRequest(TOKEN))
    await world.relay(pageRequest(TOKEN, { method: 'DELETE' }))
    expect(upstreamCalls(world.calls).map((c) => c.headers.has('authorization'))).toEqual([
      false,
      false,
      false,
    ])
    expect(world.calls.filter((c) => c.url.includes('/.well-known/'))).toHaveLength(0)
  })

  test('a form content type with parameters is still a form', async () => {
    const world = confidentialWorld()
    await world.relay(
      tokenRequest(TOKEN, CODE_GRANT, {
        'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
      }),
    )
    expect(upstreamCalls(world.calls)[0]?.headers.get('authorization')).toMatch(/^Basic /)
  })

  test('metadata for another issuer does not make its endpoints ours', async () => {
    const world = confidentialWorld({ as: { issuer: 'https://evil.example' } })
    const response = await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(await refusalOf(response)).toEqual(
      expect.objectContaining({ status: 502, header: 'issuer_metadata_unavailable' }),
    )
    expect(upstreamCalls(world.calls)).toHaveLength(0)
  })

  test('without metadata, a request naming the client is refused, never sent without it', async () => {
    const world = confidentialWorld({ as: null })
    const response = await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(await refusalOf(response)).toEqual({
      status: 502,
      header: 'issuer_metadata_unavailable',
      body: {
        error: 'relay_failed',
        reason: 'issuer_metadata_unavailable',
        message: `The relay could not read the metadata of ${ISSUER}.`,
      },
    })
    expect(upstreamCalls(world.calls)).toHaveLength(0)
    // A root issuer has two places to look (RFC 8414, OpenID Connect); a failure is not
    // remembered: the next request looks again.
    expect(world.calls.map((c) => c.url)).toEqual([
      `${ISSUER}/.well-known/oauth-authorization-server`,
      `${ISSUER}/.well-known/openid-configuration`,
    ])
    await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(world.calls).toHaveLength(4)
  })

  test('without metadata, a request naming no client goes as it is', async () => {
    const world = confidentialWorld({ as: null })
    const { client_id: _, ...form } = CODE_GRANT
    const response = await world.relay(tokenRequest(TOKEN, form))
    expect(response.status).toBe(200)
    expect(upstreamCalls(world.calls)[0]?.headers.has('authorization')).toBe(false)
  })

  test('metadata that is not JSON, too large, an error, or a redirect is no metadata', async () => {
    const valid = { issuer: ISSUER, token_endpoint: TOKEN }
    for (const answer of [
      () => Response.json(valid, { status: 500 }),
      () => Response.json(valid, { status: 404 }),
      () => new Response(null, { status: 404 }),
      () => new Response('<html>'),
      () => new Response('null'),
      () => new Response(JSON.stringify({ issuer: ISSUER, pad: 'x'.repeat(70_000) })),
      () => new Response(null, { status: 302, headers: { location: 'https://evil.example/m' } }),
    ]) {
      const world = relayWorld({
        clients: { [ISSUER]: { clientId: 'app-client', clientSecret: SECRET } },
        answer: (call) => (call.url.includes('/.well-known/') ? answer() : new Response('ok')),
      })
      const response = await world.relay(tokenRequest(TOKEN, CODE_GRANT))
      expect(response.headers.get('mcp-relay-error')).toBe('issuer_metadata_unavailable')
      expect(world.calls.every((c) => c.url.includes('/.well-known/'))).toBe(true)
    }
  })

  test('the metadata is read under the same address rules as every request', async () => {
    const world = confidentialWorld({ dns: { 'auth.example.com': ['169.254.169.254'] } })
    const response = await world.relay(tokenRequest(TOKEN, CODE_GRANT))
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(world.calls).toHaveLength(0)
  })

  test('a token endpoint in the metadata outside the allowlist is still refused', async () => {
    const world = confidentialWorld({ as: { token_endpoint: 'https://internal.example/token' } })
    const response = await world.relay(tokenRequest('https://internal.example/token', CODE_GRANT))
    expect(response.headers.get('mcp-relay-error')).toBe('target_not_allowed')
    expect(upstreamCalls(world.calls)).toHaveLength(0)
  })
})

describe('formUrlEncode (RFC 6749 Appendix B)', () => {
  test('letters and digits stay, a space is +, every other byte is %XX in upper case', () => {
    expect(formUrlEncode('aZ09')).toBe('aZ09')
    expect(formUrlEncode(" -._~!'()*:%+/")).toBe('+%2D%2E%5F%7E%21%27%28%29%2A%3A%25%2B%2F')
    expect(formUrlEncode('é')).toBe('%C3%A9')
  })
})
