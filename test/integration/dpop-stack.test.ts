import { createMcpAuth } from '@mcp-oauth/core'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDpop } from '../../packages/core/src/dpop/index.js'
import { replayable } from '../../packages/core/src/http/replayable-request.js'
import { memoryStorage } from '../../packages/core/src/storage/memory.js'
import { headlessDriver, type Stack, startStack } from '../../playground/stack/index.mjs'

// Drives the DPoP demo server with oauth4webapi alone: what a sender-constrained client must do
// (RFC 9449), and what the server refuses. Nothing listens at the redirect URI.
const redirectUri = 'http://127.0.0.1:53682/oauth/callback'
const insecure = { [oauth.allowInsecureRequests]: true } as const

let stack: Stack
let resource: string
let as: oauth.AuthorizationServer
let client: oauth.Client
/** Every request the tests send, by URL path, with the status it got. */
const sent: { path: string; status: number }[] = []
/** oauth4webapi's `customFetch` shape: a URL string and a plain init. */
type CustomFetch = (
  url: string,
  init: oauth.CustomFetchOptions<string, oauth.ProtectedResourceRequestBody>,
) => Promise<Response>
const countingFetch: CustomFetch = async (url, init) => {
  const response = await fetch(url, init as RequestInit)
  sent.push({ path: new URL(url).pathname, status: response.status })
  return response
}
const options = { ...insecure, [oauth.customFetch]: countingFetch } as const

beforeAll(async () => {
  stack = await startStack({ redirectUris: [redirectUri] })
  resource = stack.servers.dpop
  const metadata = await (
    await fetch(new URL('/.well-known/oauth-protected-resource/mcp', resource))
  ).json()
  const issuer = new URL(metadata.authorization_servers[0])
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  )
  const registered = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(
      as,
      {
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      },
      insecure,
    ),
  )
  client = { client_id: registered.client_id }
})
afterAll(() => stack?.close())

/** Retries once on `use_dpop_nonce` (RFC 9449 §8, §9), as oauth4webapi's examples do. */
async function withNonceRetry<T>(
  attempt: () => Promise<T>,
): Promise<{ value: T; challenges: number }> {
  try {
    return { value: await attempt(), challenges: 0 }
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error
    return { value: await attempt(), challenges: 1 }
  }
}

/** Authorization code flow with PKCE and `resource`, up to the validated callback. */
async function authorizeCode() {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'mcp:read',
    resource,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  const callback = await headlessDriver()({ url: url.href, redirectUri })
  return { params: oauth.validateAuthResponse(as, client, new URL(callback), state), verifier }
}

/** The code exchange with a proof from `dpop` (RFC 9449 §5). */
async function authorize(dpop: oauth.DPoPHandle) {
  const { params, verifier } = await authorizeCode()
  return withNonceRetry(async () =>
    oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        params,
        redirectUri,
        verifier,
        {
          ...options,
          DPoP: dpop,
          additionalParameters: { resource },
        },
      ),
    ),
  )
}

let rpcId = 1
const rpcBody = (method: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method, params })
const mcpHeaders = () =>
  new Headers({
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25',
  })

/** One MCP request with a proof from `dpop`; resolves with the status and the challenge, if any. */
async function call(token: string, dpop: oauth.DPoPHandle, method = 'tools/list', params = {}) {
  try {
    const response = await oauth.protectedResourceRequest(
      token,
      'POST',
      new URL(resource),
      mcpHeaders(),
      rpcBody(method, params),
      {
        ...options,
        DPoP: dpop,
      },
    )
    return { status: response.status, body: await response.json(), error: undefined }
  } catch (error) {
    if (!(error instanceof oauth.WWWAuthenticateChallengeError)) throw error
    const dpopChallenge = error.cause.find((c) => c.scheme === 'dpop')
    return {
      status: error.status,
      body: undefined,
      error: dpopChallenge?.parameters.error,
      challenge: error,
    }
  }
}

/** Claims of a JWT, unverified: the test only reads what the server put in. */
const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

describe('the DPoP demo server and its issuer (RFC 9449)', () => {
  let keyPair: CryptoKeyPair
  let dpop: oauth.DPoPHandle
  let tokens: oauth.TokenEndpointResponse

  beforeAll(async () => {
    keyPair = await oauth.generateKeyPair('ES256')
    dpop = oauth.DPoP(client, keyPair)
  })

  test('metadata: the issuer lists ES256 proofs, the resource requires bound tokens', async () => {
    expect(as.dpop_signing_alg_values_supported).toContain('ES256')
    const prm = await (
      await fetch(new URL('/.well-known/oauth-protected-resource/mcp', resource))
    ).json()
    expect(prm).toMatchObject({ resource, dpop_bound_access_tokens_required: true })
    // The bearer-only issuers stay bearer-only.
    const main = await (
      await fetch(`${stack.issuer}/.well-known/oauth-authorization-server`)
    ).json()
    expect(main.dpop_signing_alg_values_supported).toBeUndefined()
  })

  test('an unauthenticated request gets a DPoP challenge naming the metadata', async () => {
    const response = await fetch(resource, {
      method: 'POST',
      headers: mcpHeaders(),
      body: rpcBody('tools/list'),
    })
    expect(response.status).toBe(401)
    const header = response.headers.get('www-authenticate') ?? ''
    expect(header).toMatch(/^DPoP /)
    expect(header).toContain('resource_metadata="')
    expect(header).not.toMatch(/bearer/i)
  })

  test('the token endpoint asks for a nonce once, then issues a DPoP token bound to the key', async () => {
    const { value, challenges } = await authorize(dpop)
    tokens = value
    expect(challenges).toBe(1)
    expect(tokens.token_type).toBe('dpop')
    expect(claims(tokens.access_token).cnf).toEqual({ jkt: await dpop.calculateThumbprint() })
    expect(tokens.refresh_token).toEqual(expect.any(String))
  })

  test('a tool call: one nonce challenge from the resource, then the nonce is reused', async () => {
    const first = await call(tokens.access_token, dpop)
    expect(first.status).toBe(401)
    expect(first.error).toBe('use_dpop_nonce')
    const retried = await call(tokens.access_token, dpop)
    expect(retried.status).toBe(200)
    expect(retried.body.result.tools.map((t: { name: string }) => t.name)).toContain('echo')
    sent.length = 0
    const echo = await call(tokens.access_token, dpop, 'tools/call', {
      name: 'echo',
      arguments: { text: 'bound' },
    })
    expect(echo.status).toBe(200)
    expect(echo.body.result.content[0].text).toBe('bound')
    expect(sent).toEqual([{ path: '/mcp', status: 200 }])
  })

  test('a stolen token replayed as a bearer token is refused', async () => {
    const response = await fetch(resource, {
      method: 'POST',
      headers: {
        ...Object.fromEntries(mcpHeaders()),
        authorization: `Bearer ${tokens.access_token}`,
      },
      body: rpcBody('tools/list'),
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  test('a stolen token replayed with a valid proof from another key is refused', async () => {
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
    const { value } = await withNonceRetry(async () => {
      const result = await call(tokens.access_token, thief)
      if (result.error === 'use_dpop_nonce') throw result.challenge
      return result
    })
    expect(value.status).toBe(401)
    expect(value.error).toBe('invalid_token')
  })

  test('a proof is used once: the same request replayed byte for byte is refused', async () => {
    let captured: { url: string; init: RequestInit } | undefined
    const capture: CustomFetch = async (url, init) => {
      captured = { url, init: init as RequestInit }
      return fetch(url, init as RequestInit)
    }
    const response = await oauth.protectedResourceRequest(
      tokens.access_token,
      'POST',
      new URL(resource),
      mcpHeaders(),
      rpcBody('tools/list'),
      {
        ...insecure,
        [oauth.customFetch]: capture,
        DPoP: dpop,
      },
    )
    expect(response.status).toBe(200)
    const replay = await fetch(captured!.url, captured!.init)
    expect(replay.status).toBe(401)
    expect(replay.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"')
  })

  test('a proof made for another token is refused (ath)', async () => {
    let proof: string | null = null
    const capture: CustomFetch = async (url, init) => {
      proof = new Headers(init.headers).get('dpop')
      return fetch(url, init as RequestInit)
    }
    await oauth
      .protectedResourceRequest(
        'another-token',
        'POST',
        new URL(resource),
        mcpHeaders(),
        rpcBody('tools/list'),
        {
          ...insecure,
          [oauth.customFetch]: capture,
          DPoP: dpop,
        },
      )
      .catch(() => undefined)
    const response = await fetch(resource, {
      method: 'POST',
      headers: {
        ...Object.fromEntries(mcpHeaders()),
        authorization: `DPoP ${tokens.access_token}`,
        dpop: proof!,
      },
      body: rpcBody('tools/list'),
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"')
  })

  test('refresh with the same key keeps the binding; a stolen refresh token with another key is invalid_grant', async () => {
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
    const stolen = withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, {
          ...options,
          DPoP: thief,
          additionalParameters: { resource },
        }),
      ),
    )
    await expect(stolen).rejects.toMatchObject({ error: 'invalid_grant' })

    // The failed theft leaves the grant alone: its owner still refreshes.
    const { value: refreshed } = await withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, {
          ...options,
          DPoP: dpop,
          additionalParameters: { resource },
        }),
      ),
    )
    expect(refreshed.token_type).toBe('dpop')
    expect(claims(refreshed.access_token).cnf).toEqual({ jkt: await dpop.calculateThumbprint() })
    expect((await call(refreshed.access_token, dpop)).status).toBe(200)
  })
})

describe("the kit's DPoP module against the demo stack", () => {
  const requestFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    sent.push({
      path: new URL(input instanceof Request ? input.url : String(input)).pathname,
      status: response.status,
    })
    return response
  }
  const mcp = (method = 'tools/list') => {
    const body = rpcBody(method)
    return replayable(new Request(resource, { method: 'POST' }), new Headers(mcpHeaders()), body)
  }

  test('exchange, tool calls and refresh: one nonce retry per server, then remembered; deleteKey ends the token', async () => {
    const dpop = createDpop({ storage: memoryStorage() })
    expect(dpop.plan(as)).toBe('auto')
    const binding = dpop.binding(as.issuer, resource)
    const { params, verifier } = await authorizeCode()

    sent.length = 0
    const exchanged = await binding.tokenRequest(as.token_endpoint!, (headers) =>
      oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
        ...options,
        headers,
        additionalParameters: { resource },
      }),
    )
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, exchanged)
    expect(sent).toEqual([
      { path: '/token', status: 400 },
      { path: '/token', status: 200 },
    ])
    expect(dpop.tokenType(true, tokens.token_type)).toBe('DPoP')
    expect(claims(tokens.access_token).cnf).toEqual({ jkt: await binding.thumbprint() })

    sent.length = 0
    const listed = await binding.resourceFetch(mcp(), tokens.access_token, requestFetch)
    expect(listed.status).toBe(200)
    expect((await listed.json()).result.tools.length).toBeGreaterThan(0)
    expect((await binding.resourceFetch(mcp(), tokens.access_token, requestFetch)).status).toBe(200)
    expect(sent.map((s) => s.status)).toEqual([401, 200, 200])

    sent.length = 0
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await binding.tokenRequest(as.token_endpoint!, (headers) =>
        oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, {
          ...options,
          headers,
          additionalParameters: { resource },
        }),
      ),
    )
    expect(sent.map((s) => s.status)).toEqual([200])
    expect(claims(refreshed.access_token).cnf).toEqual({ jkt: await binding.thumbprint() })

    // Without its key the token cannot be presented at all: nothing is sent.
    await binding.deleteKey()
    sent.length = 0
    await expect(
      binding.resourceFetch(mcp(), refreshed.access_token, requestFetch),
    ).rejects.toMatchObject({ code: 'dpop_key_lost' })
    expect(sent).toEqual([])
  })
})

describe('createMcpAuth against the demo stack (the public API, as apps use it)', () => {
  const kit = (options: { dpop?: 'auto' | 'required' | 'off' } = {}) =>
    createMcpAuth({
      redirectUri,
      client: { name: 'DPoP integration tests' },
      storage: memoryStorage(),
      driver: headlessDriver(),
      ...options,
    })
  const rpc = async (server: { fetch: typeof fetch; url: string }, method = 'tools/list') => {
    const response = await server.fetch(server.url, {
      method: 'POST',
      headers: mcpHeaders(),
      body: rpcBody(method),
    })
    return { status: response.status, body: await response.json() }
  }

  test("the default ('auto'): a DPoP token, one nonce retry at each server, then none", async () => {
    const before = stack.dpopStats()
    const server = kit().server(resource)
    expect((await server.probe()).status).toBe('needs-authorization')
    expect(await server.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    for (let i = 0; i < 3; i++) expect((await rpc(server)).status).toBe(200)
    const after = stack.dpopStats()
    expect(after.resource.accepted - before.resource.accepted).toBe(3)
    // One challenge for the new kit instance's first proof; the nonce is then reused.
    expect(after.resource.nonceChallenges - before.resource.nonceChallenges).toBe(1)
    expect((await server.disconnect()).revocation).toMatchObject({ refreshToken: 'revoked' })
  })

  test("'off' with a resource that requires bound tokens: dpop_unsupported before anyone signs in", async () => {
    const before = stack.dpopStats()
    const server = kit({ dpop: 'off' }).server(resource)
    // dpop_bound_access_tokens_required (RFC 9728): a bearer token would only be refused.
    await expect(server.authorize()).rejects.toMatchObject({ code: 'dpop_unsupported' })
    expect(server.getSnapshot()).toMatchObject({ status: 'error' })
    expect(stack.dpopStats().tokenRequests).toEqual(before.tokenRequests)
  })

  test("'required' works with a server that binds tokens", async () => {
    const server = kit({ dpop: 'required' }).server(resource)
    expect(await server.authorize()).toMatchObject({ tokenType: 'DPoP' })
    expect((await rpc(server)).status).toBe(200)
  })

  test("'required' against the bearer-only issuer: dpop_unsupported, no token kept", async () => {
    const server = kit({ dpop: 'required' }).server(stack.servers.oauth)
    await expect(server.authorize()).rejects.toMatchObject({ code: 'dpop_unsupported' })
    expect(server.getSnapshot()).not.toHaveProperty('tokenType')
  })
})
