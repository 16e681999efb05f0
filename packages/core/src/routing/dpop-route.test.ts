import 'fake-indexeddb/auto'
import {
  browserPage,
  type CorsPolicy,
  createWorld,
  dpopWorld,
  useMockServer,
  type WorldOptions,
} from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { McpAuthOptions } from '../contracts/options.js'
import type { TokenRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { subscribeEvents } from '../events/subscribe.js'
import type { McpAuthEvent } from '../events/types.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

// `dpop: 'auto'` never makes a server that works with bearer tokens unusable, and the route of
// the code is known before it is sent (RFC 9449 in a browser: a `dpop` header needs CORS).
const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const PAGE = new URL(REDIRECT).origin
const ISSUER = 'https://auth.example.com'
const RESOURCE = 'https://mcp.example.com/mcp'
/** A better-auth deployment's CORS: `authorization` and `content-type`, nothing else. */
const betterAuth: CorsPolicy = { allowHeaders: ['authorization', 'content-type'] }
const withDpop: CorsPolicy = {
  allowHeaders: ['authorization', 'content-type', 'dpop'],
  expose: ['dpop-nonce'],
}
const mcpCors = (extra: string[] = []): CorsPolicy => ({
  allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version', ...extra],
  expose: ['www-authenticate', 'dpop-nonce'],
})

function setup(
  cors: { as: CorsPolicy; mcp: CorsPolicy },
  options: {
    world?: Partial<WorldOptions>
    auth?: Partial<McpAuthOptions>
    storage?: TokenStorage
  } = {},
) {
  const page = browserPage(PAGE, (url) => (url.origin === ISSUER ? cors.as : cors.mcp))
  const w = createWorld(options.world)
  const d = dpopWorld(w)
  const kit = setupWorld(mock, w, {
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
  })
  mock.use(...d.handlers)
  const events: McpAuthEvent[] = []
  subscribeEvents(kit.auth, (event) => events.push(event))
  const tokenRequests = () =>
    page.requests.filter((r) => r.url === `${ISSUER}/token` && r.method === 'POST')
  return { page, w, d, events, tokenRequests, ...kit }
}

const codes = (w: ReturnType<typeof createWorld>) => w.grants('authorization_code')
const stored = async (storage: TokenStorage) =>
  (await storage.get(keys.tokens(RESOURCE))) as TokenRecord | undefined

describe("'auto': a CORS policy that refuses the dpop header", () => {
  test('signs in with a bearer token: the code goes once, without a proof, and no dpop_jkt', async () => {
    const { handle, w, d, page, events, tokenRequests, storage } = setup({
      as: betterAuth,
      mcp: mcpCors(),
    })
    expect((await handle.probe()).status).toBe('needs-authorization')
    const snapshot = await handle.authorize()
    expect(snapshot).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    // The authorization request was not bound to a key: a bearer exchange can redeem its code.
    expect(w.navigations()[0]!.searchParams.has('dpop_jkt')).toBe(false)
    // The check with a proof stayed in the browser (its preflight was refused); the one without
    // reached the server and spent nothing; then the code, once, without a proof.
    expect(tokenRequests().map((r) => [r.headers.has('dpop'), r.sent])).toEqual([
      [true, false],
      [false, true],
      [false, true],
    ])
    expect(codes(w)).toHaveLength(1)
    expect(codes(w)[0]!.headers.has('dpop')).toBe(false)
    expect(d.proofs).toEqual([])
    expect((await stored(storage))?.route).toEqual({
      token: 'direct',
      resource: 'direct',
      dpop: 'off',
    })
    // The resource never saw a proof either: the tool call goes as a bearer token.
    expect(page.sent(RESOURCE).every((r) => !r.headers.has('dpop'))).toBe(true)
    const route = events.find((e) => e.type === 'route')
    expect(route).toMatchObject({
      type: 'route',
      url: `${ISSUER}/token`,
      token: 'direct',
      resource: 'direct',
      dpop: 'off',
      note: 'dpop-refused',
    })
  })

  test('refreshes without a proof, after a reload too; a second authorization checks nothing', async () => {
    const storage = memoryStorage()
    const { handle, w, tokenRequests, auth } = setup(
      { as: betterAuth, mcp: mcpCors() },
      { storage, auth: { refreshSkewSeconds: 7200 } },
    )
    await handle.authorize()
    await handle.getAccessToken()
    const again = createMcpAuth({ redirectUri: REDIRECT, storage, refreshSkewSeconds: 7200 })
    await again.server(RESOURCE).getAccessToken()
    expect(again.server(RESOURCE).getSnapshot().error).toBeUndefined()
    const refreshes = w.grants('refresh_token')
    expect(refreshes).toHaveLength(2)
    expect(refreshes.some((r) => r.headers.has('dpop'))).toBe(false)
    expect(w.options.refresh).toBe('ok')
    const checks = tokenRequests().length
    await auth.server(RESOURCE).authorize()
    // The second code exchange, and not one check more: the route is remembered per issuer.
    expect(codes(w)).toHaveLength(2)
    expect(tokenRequests().length - checks).toBe(1)
  })

  test('a resource whose CORS refuses dpop, with a token endpoint that takes it: bearer tokens too', async () => {
    const { handle, w, d, events } = setup({ as: withDpop, mcp: mcpCors() })
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    expect(w.navigations()[0]!.searchParams.has('dpop_jkt')).toBe(false)
    expect(d.proofs.filter((p) => p.at === 'token' && p.verified)).toEqual([])
    expect(events.find((e) => e.type === 'route')).toMatchObject({
      dpop: 'off',
      note: 'dpop-refused',
    })
  })
})

describe("'required' never downgrades", () => {
  test('a token endpoint that refuses dpop: cors_blocked naming dpop, before the user signs in', async () => {
    const { handle, w, tokenRequests } = setup(
      { as: betterAuth, mcp: mcpCors(['dpop']) },
      { auth: { dpop: 'required' } },
    )
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'cors_blocked',
      details: { url: `${ISSUER}/token`, step: 'token', allowHeaders: ['dpop'] },
    })
    expect((error as Error).message).toContain('Access-Control-Allow-Headers: dpop')
    expect(handle.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'cors_blocked' } })
    expect(w.navigations()).toEqual([])
    expect(codes(w)).toEqual([])
    expect(tokenRequests().filter((r) => r.sent)).toHaveLength(1)
  })

  test('a resource that refuses dpop: cors_blocked for the MCP step, naming dpop', async () => {
    const { handle, w } = setup({ as: withDpop, mcp: mcpCors() }, { auth: { dpop: 'required' } })
    await expect(handle.authorize()).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { url: RESOURCE, step: 'MCP', allowHeaders: expect.arrayContaining(['dpop']) },
    })
    expect(w.navigations()).toEqual([])
  })
})

describe('a CORS policy that allows dpop', () => {
  test('DPoP as before, and the authorization request carries the key thumbprint (dpop_jkt)', async () => {
    const { handle, w, d, page, events } = setup({ as: withDpop, mcp: mcpCors(['dpop']) })
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    const exchange = d.proofs.filter((p) => p.at === 'token' && p.verified)
    expect(exchange).toHaveLength(1)
    // RFC 9449 §10: the code is bound to the key whose proof redeems it.
    expect(w.navigations()[0]!.searchParams.get('dpop_jkt')).toBe(exchange[0]!.jkt)
    // The checks: a token request with a placeholder proof, and the probe with one.
    const checks = page.requests.filter((r) => r.headers.get('dpop') === 'route-check')
    expect(checks.map((r) => [r.url, r.sent, r.readable])).toEqual([
      [`${ISSUER}/token`, true, true],
      [RESOURCE, true, true],
    ])
    expect(events.find((e) => e.type === 'route')).toMatchObject({ dpop: 'auto', token: 'direct' })
    expect(events.find((e) => e.type === 'route')).not.toHaveProperty('note')
  })
})

describe('outside a page', () => {
  test('nothing is checked: DPoP as the metadata says, with dpop_jkt', async () => {
    const w = createWorld()
    const d = dpopWorld(w)
    const { handle } = setupWorld(mock, w)
    mock.use(...d.handlers)
    expect(await handle.authorize()).toMatchObject({ tokenType: 'DPoP' })
    expect(w.hits('/token').map((r) => r.headers.get('dpop') === 'route-check')).toEqual([false])
    expect(w.navigations()[0]!.searchParams.get('dpop_jkt')).toBe(d.proofs[0]!.jkt)
  })
})

describe("the resource's dpop_bound_access_tokens_required (RFC 9728 §2, RFC 9449 §5.2)", () => {
  const requiring = (extra: Record<string, unknown> = {}): Partial<WorldOptions> => ({
    prm: {
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      dpop_bound_access_tokens_required: true,
      ...extra,
    },
  })

  test("makes 'auto' required: no bearer fallback when CORS refuses dpop", async () => {
    const { handle, w } = setup({ as: betterAuth, mcp: mcpCors(['dpop']) }, { world: requiring() })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'cors_blocked' })
    expect(w.navigations()).toEqual([])
  })

  test('an authorization server that cannot bind tokens, or dpop off: dpop_unsupported', async () => {
    const w = createWorld({ ...requiring(), as: { dpop_signing_alg_values_supported: ['RS256'] } })
    const { handle } = setupWorld(mock, w)
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'dpop_unsupported' })
    const off = createWorld(requiring())
    dpopWorld(off)
    const kit = setupWorld(mock, off, { auth: { dpop: 'off' } })
    await expect(kit.handle.authorize()).rejects.toMatchObject({ code: 'dpop_unsupported' })
    expect([...w.navigations(), ...off.navigations()]).toEqual([])
  })
})

describe("stored tokens in 'required' mode", () => {
  test('a bearer token stored before the mode was set is not used: authorize again', async () => {
    const storage = memoryStorage()
    const w = createWorld()
    const { handle } = setupWorld(mock, w, { storage })
    await handle.authorize()
    expect((await stored(storage))?.tokenType).toBe('Bearer')
    const strict = createMcpAuth({ redirectUri: REDIRECT, storage, dpop: 'required' })
    const server = strict.server(RESOURCE)
    await expect(server.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect(server.getSnapshot().tokenType).toBeUndefined()
  })
})
