import { useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import type { AuthorizationServer } from 'oauth4webapi'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { McpAuthError } from '../errors.js'
import { defaultFetch } from '../http/transport-error.js'
import { exchangeAuthorizationCode } from './code-exchange.js'
import { refreshAccessToken, revokeToken } from './token-endpoint.js'

const server = useMockServer()
const ISSUER = 'https://auth.example.com'
const RESOURCE = 'https://mcp.example.com'
const as = (extra: Partial<AuthorizationServer> = {}): AuthorizationServer => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  revocation_endpoint: `${ISSUER}/revoke`,
  code_challenge_methods_supported: ['S256'],
  ...extra,
})
const client = (extra: Partial<ClientRecord> = {}): ClientRecord => ({
  v: RECORD_VERSION,
  issuer: ISSUER,
  redirectUri: 'https://app.example/cb',
  clientId: 'client-1',
  tokenEndpointAuthMethod: 'none',
  kind: 'dynamic',
  ...extra,
})

interface Seen {
  form: URLSearchParams
  authorization: string | null
}
function tokenEndpoint(answer: () => Response, url = `${ISSUER}/token`) {
  const seen: Seen[] = []
  server.use(
    http.post(url, async ({ request }) => {
      seen.push({
        form: new URLSearchParams(await request.text()),
        authorization: request.headers.get('authorization'),
      })
      return answer()
    }),
  )
  return seen
}
const tokens =
  (extra: Record<string, unknown> = {}) =>
  () =>
    HttpResponse.json({ access_token: 'at-2', token_type: 'Bearer', ...extra })

const exchange = (extra: Partial<Parameters<typeof exchangeAuthorizationCode>[0]> = {}) =>
  exchangeAuthorizationCode({
    fetch,
    as: as(),
    client: client(),
    params: new URLSearchParams({ code: 'the-code', state: 's' }),
    redirectUri: 'https://app.example/cb',
    codeVerifier: 'v'.repeat(43),
    resource: RESOURCE,
    requestedScopes: ['read'],
    now: () => 10_000,
    ...extra,
  })

describe('exchangeAuthorizationCode (OAuth 2.1 §4.1.3)', () => {
  test('sends code, verifier, redirect_uri and the resource exactly as given', async () => {
    const seen = tokenEndpoint(tokens({ expires_in: 60, refresh_token: 'rt', scope: 'read write' }))
    const issued = await exchange()
    expect(Object.fromEntries(seen[0]!.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      code_verifier: 'v'.repeat(43),
      redirect_uri: 'https://app.example/cb',
      resource: RESOURCE,
      client_id: 'client-1',
    })
    expect(issued).toEqual({
      accessToken: 'at-2',
      refreshToken: 'rt',
      expiresAt: 10_000 + 60_000,
      scopes: ['read', 'write'],
      tokenType: 'Bearer',
    })
  })

  test('without scope in the response, the requested scopes are recorded', async () => {
    tokenEndpoint(tokens())
    const issued = await exchange()
    expect(issued.scopes).toEqual(['read'])
    expect(issued).not.toHaveProperty('expiresAt')
    expect(issued).not.toHaveProperty('refreshToken')
  })

  test('client_secret_basic as registered', async () => {
    const seen = tokenEndpoint(tokens())
    await exchange({
      client: client({ tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 's' }),
    })
    expect(seen[0]!.authorization).toBe(`Basic ${btoa('client-1:s')}`)
    expect(seen[0]!.form.has('client_secret')).toBe(false)
  })

  test('client_secret_post as registered', async () => {
    const seen = tokenEndpoint(tokens())
    await exchange({
      client: client({ tokenEndpointAuthMethod: 'client_secret_post', clientSecret: 's' }),
    })
    expect(seen[0]!.authorization).toBeNull()
    expect(seen[0]!.form.get('client_secret')).toBe('s')
  })

  test.each([
    [() => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 }), 'invalid_grant'],
    [() => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }), 'token_request_failed'],
    [() => new HttpResponse(null, { status: 502 }), 'server_error'],
    [() => HttpResponse.error(), 'network_error'],
    [() => HttpResponse.json({ token_type: 'Bearer' }), 'token_request_failed'],
  ])('failure %# → %s', async (answer, code) => {
    tokenEndpoint(answer)
    await expect(exchange()).rejects.toMatchObject({ code })
  })

  test('an http token endpoint on a loopback AS works; elsewhere it is refused', async () => {
    const local = as({
      issuer: 'http://127.0.0.1:9000',
      token_endpoint: 'http://127.0.0.1:9000/token',
    })
    tokenEndpoint(tokens(), 'http://127.0.0.1:9000/token')
    expect((await exchange({ as: local })).accessToken).toBe('at-2')
    const seen = tokenEndpoint(tokens(), 'http://auth.example.com/token')
    await expect(
      exchange({ as: as({ token_endpoint: 'http://auth.example.com/token' }) }),
    ).rejects.toThrow()
    expect(seen).toHaveLength(0)
  })
})

describe('refreshAccessToken (OAuth 2.1 §4.3)', () => {
  const refresh = (extra: Partial<Parameters<typeof refreshAccessToken>[0]> = {}) =>
    refreshAccessToken({
      fetch,
      as: as(),
      client: client(),
      refreshToken: 'rt-1',
      resource: RESOURCE,
      scopes: ['read'],
      now: () => 5_000,
      ...extra,
    })

  test('sends the refresh token and the same resource; no scope (a refresh cannot widen it)', async () => {
    const seen = tokenEndpoint(tokens({ refresh_token: 'rt-2', expires_in: 10 }))
    expect(await refresh()).toEqual({
      accessToken: 'at-2',
      refreshToken: 'rt-2',
      expiresAt: 15_000,
      scopes: ['read'],
      tokenType: 'Bearer',
    })
    expect(Object.fromEntries(seen[0]!.form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      resource: RESOURCE,
      client_id: 'client-1',
    })
  })

  test('a response without a refresh token keeps the previous one', async () => {
    tokenEndpoint(tokens())
    expect((await refresh()).refreshToken).toBe('rt-1')
  })

  test('client authentication as registered on refresh too', async () => {
    const seen = tokenEndpoint(tokens())
    await refresh({
      client: client({ tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 'x' }),
    })
    expect(seen[0]!.authorization).toBe(`Basic ${btoa('client-1:x')}`)
  })

  test('invalid_grant is told apart from transient failures', async () => {
    tokenEndpoint(() => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 }))
    await expect(refresh()).rejects.toMatchObject({ code: 'invalid_grant', transient: false })
    tokenEndpoint(() => HttpResponse.error())
    await expect(refresh()).rejects.toMatchObject({ code: 'network_error', transient: true })
    tokenEndpoint(() => HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 }))
    await expect(refresh()).rejects.toMatchObject({ code: 'server_error', transient: true })
  })
})

describe('revokeToken (RFC 7009)', () => {
  test('posts the token with its type hint and client authentication', async () => {
    const seen = tokenEndpoint(() => new HttpResponse(null, { status: 200 }), `${ISSUER}/revoke`)
    const ok = await revokeToken({
      fetch,
      as: as(),
      client: client({ tokenEndpointAuthMethod: 'client_secret_post', clientSecret: 's' }),
      token: 'rt-1',
      hint: 'refresh_token',
    })
    expect(ok).toBe('revoked')
    expect(Object.fromEntries(seen[0]!.form)).toMatchObject({
      token: 'rt-1',
      token_type_hint: 'refresh_token',
      client_id: 'client-1',
      client_secret: 's',
    })
  })

  test('no revocation endpoint → nothing sent, unsupported', async () => {
    const seen = tokenEndpoint(() => new HttpResponse(null, { status: 200 }), `${ISSUER}/revoke`)
    const { revocation_endpoint: _, ...withoutEndpoint } = as()
    expect(
      await revokeToken({
        fetch,
        as: withoutEndpoint,
        client: client(),
        token: 't',
        hint: 'access_token',
      }),
    ).toBe('unsupported')
    expect(seen).toHaveLength(0)
  })

  test.each([
    [() => HttpResponse.error(), 'failed'],
    [() => new HttpResponse(null, { status: 503 }), 'failed'],
    [() => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }), 'failed'],
    [() => HttpResponse.json({ error: 'unsupported_token_type' }, { status: 400 }), 'unsupported'],
  ] as const)('answer %# resolves %s, never throws', async (answer, outcome) => {
    tokenEndpoint(answer, `${ISSUER}/revoke`)
    await expect(
      revokeToken({ fetch, as: as(), client: client(), token: 't', hint: 'access_token' }),
    ).resolves.toBe(outcome)
  })
})

describe('token and revocation requests: failures', () => {
  afterEach(() => vi.unstubAllGlobals())
  const revoke = (extra: Partial<Parameters<typeof revokeToken>[0]> = {}) =>
    revokeToken({ fetch, as: as(), client: client(), token: 't', hint: 'access_token', ...extra })

  test('an insecure token endpoint is refused by name, before any request', async () => {
    await expect(
      exchange({ as: as({ token_endpoint: 'http://auth.example.com/token' }) }),
    ).rejects.toMatchObject({
      code: 'insecure_url',
      message: expect.stringMatching(/^token_endpoint must use https/),
    })
  })

  test('an error of the kit thrown by the fetch is passed on as is', async () => {
    const cancelled = new McpAuthError('cancelled', 'stop')
    const fetchFn = (async () => {
      throw cancelled
    }) as typeof fetch
    await expect(exchange({ fetch: fetchFn })).rejects.toBe(cancelled)
  })

  test('a token request blocked by CORS in a browser names the token step', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async (_input: unknown, init: RequestInit = {}) => {
      if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    })
    await expect(exchange({ fetch: defaultFetch })).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { url: `${ISSUER}/token`, step: 'token' },
    })
  })

  test('a callback without a code sends an empty code', async () => {
    const seen = tokenEndpoint(tokens())
    await exchange({ params: new URLSearchParams({ state: 's' }) })
    expect(seen[0]!.form.get('code')).toBe('')
  })

  test.each([
    [() => HttpResponse.json({ error: 'unsupported_token_type' }, { status: 401 }), 'failed'],
    [() => HttpResponse.json({ error: 'invalid_request' }, { status: 400 }), 'failed'],
    [() => HttpResponse.json({}, { status: 400 }), 'failed'],
  ] as const)('revocation answer %# resolves %s', async (answer, outcome) => {
    tokenEndpoint(answer, `${ISSUER}/revoke`)
    const onTransportError = vi.fn()
    await expect(revoke({ onTransportError })).resolves.toBe(outcome)
    expect(onTransportError).not.toHaveBeenCalled()
  })

  test('a revocation answered with a JSON null body just failed', async () => {
    tokenEndpoint(
      () =>
        new HttpResponse('null', { status: 400, headers: { 'content-type': 'application/json' } }),
      `${ISSUER}/revoke`,
    )
    const onTransportError = vi.fn()
    await expect(revoke({ onTransportError })).resolves.toBe('failed')
    expect(onTransportError).not.toHaveBeenCalled()
  })

  test('an insecure revocation endpoint fails without being reported as a transport error', async () => {
    const onTransportError = vi.fn()
    await expect(
      revoke({
        as: as({ revocation_endpoint: 'http://auth.example.com/revoke' }),
        onTransportError,
      }),
    ).resolves.toBe('failed')
    expect(onTransportError).not.toHaveBeenCalled()
  })

  test('a network failure on revocation is reported', async () => {
    tokenEndpoint(() => HttpResponse.error(), `${ISSUER}/revoke`)
    const onTransportError = vi.fn()
    await expect(revoke({ onTransportError })).resolves.toBe('failed')
    expect(onTransportError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'network_error' }),
    )
  })
})
