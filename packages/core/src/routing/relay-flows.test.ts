import {
  browserPage,
  type CorsPolicy,
  createWorld,
  fakeRelay,
  useMockServer,
  type WorldOptions,
} from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { McpAuthOptions } from '../contracts/options.js'
import type { TokenRecord } from '../contracts/records.js'
import { subscribeEvents } from '../events/subscribe.js'
import type { McpAuthEvent } from '../events/types.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { dump, mcpCall, REDIRECT } from '../test-support/harness.js'

// The servers a browser cannot reach by itself, through the app's relay: a token endpoint
// without CORS, a confidential client on an authorization server without any CORS, an MCP
// endpoint whose preflight refuses the 2026-07-28 headers. A code or refresh token goes once,
// by the route decided before it was sent; bearer rules hold through the relay.
const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const PAGE = new URL(REDIRECT).origin
const RELAY = `${PAGE}/mcp-relay`
const ISSUER = 'https://auth.example.com'
const RESOURCE = 'https://mcp.example.com/mcp'
const open: CorsPolicy = {
  allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-method', 'mcp-name'],
  expose: ['www-authenticate', 'mcp-session-id'],
}
const SECRET = 's3cret-held-by-the-relay'

function setup(
  cors: (url: URL) => CorsPolicy,
  options: {
    world?: Partial<WorldOptions>
    auth?: Partial<McpAuthOptions>
    relay?: boolean
    allow?: (target: URL) => boolean
  } = {},
) {
  const page = browserPage(PAGE, cors)
  const w = createWorld(options.world)
  const relay = fakeRelay(RELAY, page.network, {
    allow: options.allow ?? (() => true),
    clients: { [ISSUER]: { clientId: 'confidential', clientSecret: SECRET } },
  })
  mock.use(...w.handlers, relay.handler)
  const storage = memoryStorage()
  const make = () =>
    createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      driver: w.driver(),
      ...(options.relay === false ? {} : { relay: '/mcp-relay' }),
      ...options.auth,
    })
  const auth = make()
  const events: McpAuthEvent[] = []
  subscribeEvents(auth, (event) => events.push(event))
  const form = (r: { body: string }) => new URLSearchParams(r.body)
  return {
    page,
    w,
    relay,
    storage,
    auth,
    make,
    events,
    handle: auth.server(RESOURCE),
    /** What the authorization server received, by grant type, and from where. */
    grants: (type: string) => w.grants(type as 'authorization_code'),
    relayedTo: (path: string) =>
      relay.relayed.filter((r) => new URL(r.target).pathname === path).map((r) => form(r)),
  }
}

const tokenWithoutCors = (url: URL) =>
  url.origin === ISSUER && url.pathname === '/token' ? 'none' : open

describe('a token endpoint without CORS (GitHub, Sentry)', () => {
  test('the route check learns the relay before the code is sent: the code goes once, relayed', async () => {
    const { handle, w, page, relay, relayedTo, events } = setup(tokenWithoutCors)
    expect((await handle.probe()).status).toBe('needs-authorization')
    // Discovery and registration went straight to the servers.
    expect(relay.relayed).toEqual([])
    expect(await handle.authorize()).toMatchObject({ status: 'authorized' })
    // The page sent one harmless check to the token endpoint (readable by nobody); the code went
    // to the relay only, once.
    expect(page.sent(`${ISSUER}/token`).map((r) => r.method)).toEqual(['POST'])
    expect(w.grants('authorization_code')).toHaveLength(1)
    expect(relayedTo('/token').map((f) => f.get('grant_type'))).toEqual([
      null,
      'authorization_code',
    ])
    const route = events.find((e) => e.type === 'route')
    expect(route).toMatchObject({ token: 'relay', resource: 'direct', dpop: 'off', relay: true })
    const token = events.find((e) => e.type === 'token')
    expect(token).toMatchObject({ relay: true, requests: [{ relay: true, status: 200 }] })
    // The MCP server answers the page: its calls go straight to it.
    expect((await mcpCall(handle)).status).toBe(200)
    expect(relay.relayed.some((r) => r.target === RESOURCE)).toBe(false)
  })

  test('after a reload: refresh and revocation go through the relay, never straight', async () => {
    const { handle, w, page, make, relayedTo, storage } = setup(tokenWithoutCors)
    await handle.authorize()
    expect(((await storage.get(keys.tokens(RESOURCE))) as TokenRecord).route).toEqual({
      token: 'relay',
      resource: 'direct',
      dpop: 'off',
    })
    const reloaded = make().server(RESOURCE)
    w.options.accessTokenTtl = 0
    const before = page.sent(`${ISSUER}/token`).length
    await reloaded.authorize()
    const stored = (await storage.get(keys.tokens(RESOURCE))) as TokenRecord
    expect(stored.expiresAt).toBeLessThanOrEqual(Date.now())
    await reloaded.getAccessToken()
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(relayedTo('/token').filter((f) => f.get('grant_type') === 'refresh_token')).toHaveLength(
      1,
    )
    const { revocation } = await reloaded.disconnect()
    expect(revocation).toMatchObject({ accessToken: 'revoked', refreshToken: 'revoked' })
    expect(relayedTo('/revoke')).toHaveLength(2)
    // Not one request of the reloaded page went straight to the token endpoint.
    expect(page.sent(`${ISSUER}/token`).length).toBe(before)
  })

  test('tokens obtained through a relay are not refreshed by an instance without one', async () => {
    const { handle, w, storage } = setup(tokenWithoutCors, {
      auth: { refreshSkewSeconds: 7200 },
    })
    await handle.authorize()
    const bare = createMcpAuth({ redirectUri: REDIRECT, storage, refreshSkewSeconds: 7200 })
    await expect(bare.server(RESOURCE).getAccessToken()).rejects.toMatchObject({
      code: 'invalid_configuration',
    })
    expect(w.grants('refresh_token')).toEqual([])
  })

  test('without a relay: the code is spent once and the error says how to fix it', async () => {
    const { handle, w } = setup(tokenWithoutCors, { relay: false })
    const error = await handle.authorize().catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'cors_blocked', details: { step: 'token' } })
    expect((error as Error).message).toContain("pass relay: '/mcp-relay' to createMcpAuth()")
    expect((error as Error).message).toContain('docs/guide/real-servers.md')
    // Sent once by the browser, which could not read the answer: never a second time.
    expect(w.grants('authorization_code')).toHaveLength(1)
  })
})

describe('a confidential client whose secret only the relay holds (GitHub, HubSpot)', () => {
  const noCors = (url: URL) => (url.origin === ISSUER ? 'none' : open)
  const confidential = {
    world: { as: { registration_endpoint: undefined } },
    auth: { preRegistered: { [ISSUER]: { clientId: 'confidential', secretAtRelay: true } } },
  }

  test('authorizes, refreshes and revokes; the secret never reaches the page', async () => {
    const { handle, w, relay, relayedTo, storage, page, events } = setup(noCors, confidential)
    w.clients.set('confidential', { method: 'client_secret_basic', secret: SECRET })
    expect(await handle.probe()).toMatchObject({
      status: 'needs-authorization',
      registration: 'pre-registered',
    })
    // The metadata GET CORS refused went again through the relay, which is now the way there.
    expect(events.find((e) => e.type === 'authorization-server-metadata')).toMatchObject({
      relay: true,
    })
    expect(await handle.authorize()).toMatchObject({ status: 'authorized' })
    // The page names its client; the relay adds the authentication.
    expect(relayedTo('/token').map((f) => [f.get('grant_type'), f.get('client_id')])).toEqual([
      ['authorization_code', 'confidential'],
    ])
    expect(relay.relayed.find((r) => r.target.endsWith('/token'))?.authenticated).toBe(
      'client_secret_basic',
    )
    w.options.accessTokenTtl = 0
    await handle.authorize()
    await handle.getAccessToken()
    expect(w.grants('refresh_token')).toHaveLength(1)
    await handle.disconnect()
    expect(relayedTo('/revoke')).toHaveLength(2)
    expect(relay.relayed.filter((r) => r.authenticated)).toHaveLength(5)
    // The page never held the secret, nor sent any client authentication itself.
    expect(JSON.stringify(await dump(storage))).not.toContain(SECRET)
    expect(page.requests.some((r) => /^Basic /.test(r.headers.get('authorization') ?? ''))).toBe(
      false,
    )
    // All that the page sent the AS itself: the metadata GETs CORS refused to it.
    expect(page.sent(ISSUER).every((r) => r.method === 'GET' && /well-known/.test(r.url))).toBe(
      true,
    )
  })

  test('without a relay: the metadata is refused by CORS, with the fix in the error', async () => {
    // A client whose secret is at the relay needs one: refused before the user signs in.
    const { handle, w } = setup(() => open, { ...confidential, relay: false })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'invalid_configuration' })
    expect(handle.getSnapshot()).toMatchObject({ status: 'error' })
    expect(w.navigations()).toEqual([])
    const { handle: plain } = setup(noCors, { world: confidential.world, relay: false })
    const { error } = await plain.probe()
    expect(error).toMatchObject({
      code: 'cors_blocked',
      details: { step: 'authorization server metadata' },
    })
    expect(error?.message).toContain('createMcpRelay()')
  })

  test('a secret at the relay and in the page: a configuration error, nothing sent', async () => {
    const { handle, relay, w } = setup(noCors, {
      ...confidential,
      auth: {
        preRegistered: {
          [ISSUER]: { clientId: 'confidential', clientSecret: SECRET, secretAtRelay: true },
        },
      },
    })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'invalid_configuration' })
    expect(relay.relayed.filter((r) => r.target.endsWith('/token'))).toEqual([])
    expect(w.navigations()).toEqual([])
  })
})

describe('an MCP endpoint whose preflight refuses Mcp-Method and Mcp-Name', () => {
  const strict = (url: URL): CorsPolicy =>
    url.origin === ISSUER
      ? open
      : {
          allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version'],
          expose: ['www-authenticate'],
        }

  test('a 2026-07-28 probe carries Mcp-Method: refused, it goes through the relay, and so do calls', async () => {
    const { handle, w, relay, page } = setup(strict, { auth: { protocolVersion: '2026-07-28' } })
    expect((await handle.probe()).status).toBe('needs-authorization')
    expect(page.requests.find((r) => r.url === RESOURCE)?.headers.get('mcp-method')).toBe('ping')
    await handle.authorize()
    const response = await handle.fetch(RESOURCE, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'mcp-method': 'tools/call', 'mcp-name': 'x' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }),
    })
    expect(response.status).toBe(200)
    const call = relay.relayed.at(-1)!
    expect(call.target).toBe(RESOURCE)
    expect(call.headers.get('mcp-name')).toBe('x')
    expect(call.headers.get('authorization')).toMatch(/^Bearer at-/)
    // Nothing reached the MCP server straight from the page: each preflight was refused.
    expect(page.sent(RESOURCE)).toEqual([])
    expect(w.hits(RESOURCE).at(-1)?.headers.get('mcp-method')).toBe('tools/call')
  })

  test('after a reload, with no probe: the stored route sends the calls through the relay', async () => {
    const { handle, relay, page, make } = setup(strict, {
      auth: { protocolVersion: '2026-07-28' },
    })
    await handle.authorize()
    const [reloaded] = await make().restore()
    const before = relay.relayed.length
    const response = await reloaded!.fetch(RESOURCE, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'mcp-method': 'tools/list' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(response.status).toBe(200)
    expect(relay.relayed.slice(before).map((r) => r.target)).toEqual([RESOURCE])
    expect(page.sent(RESOURCE)).toEqual([])
  })

  test('without a relay: the call fails with cors_blocked naming Mcp-Method and Mcp-Name', async () => {
    const { handle } = setup(strict, { relay: false })
    await handle.authorize()
    const error = await handle
      .fetch(RESOURCE, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'mcp-method': 'tools/list' },
        body: '{}',
      })
      .catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'cors_blocked', details: { step: 'MCP' } })
    expect(
      (error as unknown as { details: { allowHeaders: string[] } }).details.allowHeaders,
    ).toEqual(expect.arrayContaining(['mcp-method', 'mcp-name']))
  })
})

describe('bearer rules through the relay', () => {
  test('a relayed redirect out of the resource is refused: the relay never gets the token for it', async () => {
    const { handle, relay, w } = setup(() => open, {
      auth: { relay: { url: '/mcp-relay', hosts: ['mcp.example.com'] } },
    })
    await handle.authorize()
    mock.use(
      http.post(`${RESOURCE}/moved`, () =>
        HttpResponse.redirect('https://evil.example/steal', 307),
      ),
    )
    await expect(mcpCall(handle, 'tools/list', {}, `${RESOURCE}/moved`)).rejects.toMatchObject({
      code: 'redirect_refused',
    })
    expect(relay.relayed.map((r) => new URL(r.target).host)).not.toContain('evil.example')
    expect(w.hits('evil.example')).toEqual([])
  })

  test('a token never goes to a URL outside its resource, relayed or not', async () => {
    const { handle, relay } = setup(() => open, {
      auth: { relay: { url: '/mcp-relay', hosts: ['mcp.example.com'] } },
    })
    await handle.authorize()
    await mcpCall(handle, 'tools/list', {}, 'https://mcp.example.com/other').catch(() => {})
    const outside = relay.relayed.find((r) => r.target === 'https://mcp.example.com/other')
    expect(outside?.headers.get('authorization')).toBeNull()
  })
})
