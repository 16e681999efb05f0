import { createHash } from 'node:crypto'
import type { AuthorizationServer } from 'oauth4webapi'
import { describe, expect, test } from 'vitest'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { createAuthorizationRequest, PENDING_TTL_MS } from './request.js'

const ISSUER = 'https://auth.example.com'
const as = (extra: Partial<AuthorizationServer> = {}): AuthorizationServer => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  code_challenge_methods_supported: ['S256'],
  ...extra,
})
const client: ClientRecord = {
  v: RECORD_VERSION,
  issuer: ISSUER,
  redirectUri: 'https://app.example/cb',
  clientId: 'client-1',
  tokenEndpointAuthMethod: 'none',
  kind: 'dynamic',
}
const build = (extra: Partial<Parameters<typeof createAuthorizationRequest>[0]> = {}) =>
  createAuthorizationRequest({
    as: as(),
    client,
    redirectUri: 'https://app.example/cb',
    resource: 'https://mcp.example.com/mcp',
    scopes: ['read', 'write'],
    now: 1_000,
    ...extra,
  })

describe('createAuthorizationRequest', () => {
  test('PKCE S256: the challenge is BASE64URL(SHA-256(verifier)) of the recorded verifier', async () => {
    const { url, pending } = await build()
    const params = new URL(url).searchParams
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(pending.codeVerifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/)
    expect(params.get('code_challenge')).toBe(
      createHash('sha256').update(pending.codeVerifier).digest('base64url'),
    )
    expect(url).not.toContain(pending.codeVerifier)
  })

  test('response_type, client_id, redirect_uri, state, resource and scope', async () => {
    const { url, pending } = await build()
    const parsed = new URL(url)
    expect(parsed.origin + parsed.pathname).toBe(`${ISSUER}/authorize`)
    expect(Object.fromEntries(parsed.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://app.example/cb',
      state: pending.state,
      resource: 'https://mcp.example.com/mcp',
      scope: 'read write',
    })
    expect(pending.state.length).toBeGreaterThanOrEqual(22)
  })

  test('a pathless resource goes out exactly as given, without a trailing slash', async () => {
    const { url } = await build({ resource: 'https://mcp.example.com' })
    expect(new URL(url).searchParams.get('resource')).toBe('https://mcp.example.com')
    expect(url).toContain('resource=https%3A%2F%2Fmcp.example.com&')
  })

  test('no scopes → no scope parameter at all', async () => {
    const { url } = await build({ scopes: [] })
    expect(new URL(url).searchParams.has('scope')).toBe(false)
  })

  test('query parameters already on the endpoint are kept', async () => {
    const { url } = await build({
      as: as({ authorization_endpoint: `${ISSUER}/authorize?tenant=t1` }),
    })
    expect(new URL(url).searchParams.get('tenant')).toBe('t1')
  })

  test('each request has its own state and verifier', async () => {
    const [a, b] = await Promise.all([build(), build()])
    expect(a!.pending.state).not.toBe(b!.pending.state)
    expect(a!.pending.codeVerifier).not.toBe(b!.pending.codeVerifier)
  })

  test('the pending record holds what the callback needs, including the recorded issuer', async () => {
    const { pending } = await build({ returnTo: 'https://app.example/chat' })
    expect(pending).toMatchObject({
      v: RECORD_VERSION,
      issuer: ISSUER,
      resource: 'https://mcp.example.com/mcp',
      redirectUri: 'https://app.example/cb',
      clientId: 'client-1',
      scopes: ['read', 'write'],
      client,
      expiresAt: 1_000 + PENDING_TTL_MS,
      returnTo: 'https://app.example/chat',
    })
    expect(pending.as.issuer).toBe(ISSUER)
  })

  test.each([
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'vbscript:msgbox(1)',
    'file:///c:/x',
    'http://auth.example.com/authorize',
    '//auth.example.com/authorize',
    'https://user:pw@auth.example.com/authorize',
  ])('an authorization endpoint %s is refused', async (endpoint) => {
    await expect(build({ as: as({ authorization_endpoint: endpoint }) })).rejects.toMatchObject({
      code: 'insecure_url',
    })
  })

  test('plain http is accepted on a loopback authorization server', async () => {
    const { url } = await build({
      as: as({ authorization_endpoint: 'http://localhost:9000/auth' }),
    })
    expect(url.startsWith('http://localhost:9000/auth?')).toBe(true)
  })
})

describe('createAuthorizationRequest: limits', () => {
  test('a pending flow waits ten minutes for its callback', async () => {
    expect(PENDING_TTL_MS).toBe(600_000)
    expect((await build({ now: 0 })).pending.expiresAt).toBe(600_000)
  })

  test('an insecure authorization endpoint is refused by name', async () => {
    await expect(
      build({ as: as({ authorization_endpoint: 'javascript:alert(1)' }) }),
    ).rejects.toMatchObject({
      code: 'insecure_url',
      message: expect.stringMatching(/^authorization_endpoint must use https/),
    })
  })
})
