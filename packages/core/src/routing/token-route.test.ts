import 'fake-indexeddb/auto'
import {
  browserPage,
  type CorsPolicy,
  createWorld,
  dpopWorld,
  fakeRelay,
  useMockServer,
} from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { McpAuthOptions } from '../contracts/options.js'
import type { TokenRecord } from '../contracts/records.js'
import { keys } from '../storage/records.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'
import { tokenRoute } from './token-route.js'

// The route check of a new authorization: before its code exists, harmless requests to the token
// endpoint and the resource tell whether CORS lets the real ones through, with a relay which way
// they go, and without one whether DPoP stays on.
const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const { origin: PAGE } = new URL(REDIRECT)
const RELAY = `${PAGE}/mcp-relay`
const { issuer: ISSUER, resource: RESOURCE } = createWorld().options
const TOKEN = `${ISSUER}/token`
const open: CorsPolicy = {
  allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version', 'dpop'],
  expose: ['www-authenticate', 'dpop-nonce'],
}
/** CORS that allows everything the kit sends, except a `dpop` header. */
const noDpop: CorsPolicy = {
  allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version'],
  expose: ['www-authenticate'],
}

/**
 * A page on `PAGE` whose requests meet `cors` (by URL), an authorization server that binds
 * tokens when `dpop` is set, and the app's relay at `/mcp-relay` when `relay` is set.
 */
function setup(
  cors: (url: URL) => CorsPolicy,
  options: {
    dpop?: boolean
    relay?: { allow: (target: URL) => boolean }
    auth?: Partial<McpAuthOptions>
  } = {},
) {
  const page = browserPage(PAGE, cors)
  const w = createWorld()
  const relay = options.relay && fakeRelay(RELAY, page.network, options.relay)
  const kit = setupWorld(mock, w, {
    auth: { ...(relay ? { relay: '/mcp-relay' } : {}), ...options.auth },
  })
  if (relay) mock.use(relay.handler)
  const d = options.dpop ? dpopWorld(w) : undefined
  if (d) mock.use(...d.handlers)
  /** What the page asked for with `method` at `url`: whether a proof went, whether it was sent. */
  const asked = (url: string, method = 'POST') =>
    page.requests
      .filter((r) => r.url === url && r.method === method)
      .map((r) => ({ dpop: r.headers.get('dpop'), sent: r.sent }))
  /** The requests the page sent to the relay for `url`. */
  const relayedFor = (url: string) =>
    page.requests.filter((r) => r.url === `${RELAY}?url=${encodeURIComponent(url)}`)
  const stored = async () => (await kit.storage.get(keys.tokens(RESOURCE))) as TokenRecord
  return { page, w, d, asked, relayedFor, stored, ...kit }
}

describe('outside a page, or with a fetch of the app', () => {
  type Ctx = Parameters<typeof tokenRoute>[0]['ctx']
  const context = (routes?: Ctx['routes']) =>
    ({ routes, protocolVersion: '2025-11-25' }) as unknown as Ctx
  const recording = () => {
    const urls: string[] = []
    const fetchFn: typeof fetch = async (input) => {
      urls.push(String(input))
      return new Response('{}')
    }
    return { urls, fetch: fetchFn }
  }
  const input = { server: RESOURCE, tokenEndpoint: TOKEN, basic: false, secretAtRelay: false }

  test('nothing is checked: the routes are direct, and DPoP stays as planned', async () => {
    const { urls, fetch } = recording()
    for (const dpop of ['auto', 'required', 'off'] as const) {
      const ctx = context()
      expect(await tokenRoute({ ...input, ctx, fetch, dpop })).toEqual({
        token: 'direct',
        resource: 'direct',
        dpop,
      })
    }
    // In a page too, when the fetch is the app's: it may go anywhere, its failures say nothing.
    browserPage(PAGE, () => 'none')
    const ctx = context({ relay: RELAY, learned: new Set() })
    expect(await tokenRoute({ ...input, ctx, fetch, dpop: 'auto', basic: true })).toEqual({
      token: 'direct',
      resource: 'direct',
      dpop: 'auto',
    })
    expect(urls).toEqual([])
  })

  test("the relay's hosts, the learned origins and a secret at the relay decide the routes", async () => {
    const { urls, fetch } = recording()
    const hosts = context({
      relay: { url: RELAY, hosts: ['auth.example.com'] },
      learned: new Set(),
    })
    expect(await tokenRoute({ ...input, ctx: hosts, fetch, dpop: 'auto' })).toEqual({
      token: 'relay',
      resource: 'direct',
      dpop: 'auto',
    })
    const learned = context({ relay: RELAY, learned: new Set(['https://mcp.example.com']) })
    expect(await tokenRoute({ ...input, ctx: learned, fetch, dpop: 'off' })).toEqual({
      token: 'direct',
      resource: 'relay',
      dpop: 'off',
    })
    const secret = context({ relay: RELAY, learned: new Set() })
    expect(
      await tokenRoute({ ...input, ctx: secret, fetch, dpop: 'off', secretAtRelay: true }),
    ).toEqual({ token: 'relay', resource: 'direct', dpop: 'off' })
    expect(urls).toEqual([])
  })
})

describe('in a page, without a relay', () => {
  test('a token endpoint without CORS: cors_blocked for the token step before the user signs in, and the check spent nothing', async () => {
    const { handle, w, asked } = setup((url) => (url.href === TOKEN ? 'none' : open), {
      dpop: true,
    })
    const error = await handle.authorize().catch((e: unknown) => e)
    // The token requests carry no header CORS must allow; the fix is CORS or the relay.
    expect(error).toMatchObject({
      code: 'cors_blocked',
      details: { url: TOKEN, step: 'token', allowHeaders: [], exposeHeaders: [] },
    })
    expect(w.navigations()).toEqual([])
    // The check with a placeholder proof never left the browser (its preflight was refused);
    // the same check without one, a form POST, reached the server once: no code, no secret.
    expect(asked(TOKEN)).toEqual([
      { dpop: 'route-check', sent: false },
      { dpop: null, sent: true },
    ])
    expect(w.hits('/token').map((r) => [...new URLSearchParams(r.body)])).toEqual([
      [['client_id', '']],
    ])
  })

  test('a failed check decides nothing: offline, then online, the next authorization checks again; a passed one is not made again', async () => {
    let offline = true
    const { handle, w, asked } = setup((url) => (url.href === TOKEN && offline ? 'down' : open), {
      dpop: true,
    })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'network_error' })
    expect(w.navigations()).toEqual([])
    offline = false
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    const checks = () => asked(TOKEN).filter((r) => r.dpop === 'route-check')
    expect(checks()).toEqual([
      { dpop: 'route-check', sent: false },
      { dpop: 'route-check', sent: true },
    ])
    expect(await handle.authorize()).toMatchObject({ status: 'authorized' })
    expect(checks()).toHaveLength(2)
    expect(w.grants('authorization_code')).toHaveLength(2)
  })

  test('a resource the check cannot reach: network_error, before the user signs in', async () => {
    let down = false
    const { handle, w } = setup((url) => (url.href === RESOURCE && down ? 'down' : open), {
      dpop: true,
    })
    expect((await handle.probe()).status).toBe('needs-authorization')
    down = true
    const error = await handle.authorize().catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'network_error' })
    expect((error as Error).message).toContain(RESOURCE)
    expect(w.navigations()).toEqual([])
  })

  test("a resource whose CORS refuses the dpop header: bearer tokens in 'auto', cors_blocked for the MCP step in 'required'", async () => {
    const cors = (url: URL) => (url.href === RESOURCE ? noDpop : open)
    const { handle, w, asked } = setup(cors, { dpop: true })
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    expect(asked(RESOURCE).filter((r) => r.dpop)).toEqual([{ dpop: 'route-check', sent: false }])
    expect(w.navigations()[0]!.searchParams.has('dpop_jkt')).toBe(false)
    vi.unstubAllGlobals()
    const strict = setup(cors, { dpop: true, auth: { dpop: 'required' } })
    await expect(strict.handle.authorize()).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { url: RESOURCE, step: 'MCP', allowHeaders: expect.arrayContaining(['dpop']) },
    })
    expect(strict.w.navigations()).toEqual([])
  })

  test('any answer of the resource passes its check: a 503 keeps DPoP, and the code is bound to the key', async () => {
    const { handle, w, d, asked } = setup(() => open, { dpop: true })
    expect((await handle.probe()).status).toBe('needs-authorization')
    mock.use(http.post(RESOURCE, () => new HttpResponse(null, { status: 503 })))
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    expect(asked(RESOURCE).at(-1)).toEqual({ dpop: 'route-check', sent: true })
    const jkt = d!.proofs.find((p) => p.at === 'token' && p.verified)?.jkt
    expect(jkt).toBeDefined()
    expect(w.navigations()[0]!.searchParams.get('dpop_jkt')).toBe(jkt)
  })

  test('DPoP off: nothing to check, neither the token endpoint nor the resource', async () => {
    const { handle, asked } = setup(() => open)
    expect((await handle.probe()).status).toBe('needs-authorization')
    const probes = asked(RESOURCE).length
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    // The code exchange alone went to the token endpoint; the resource saw nothing more.
    expect(asked(TOKEN)).toEqual([{ dpop: null, sent: true }])
    expect(asked(RESOURCE)).toHaveLength(probes)
  })
})

describe('in a page, with a relay', () => {
  test('a relay that refuses the token endpoint: its error, before the user signs in, and the check made once', async () => {
    const { handle, w, relayedFor } = setup((url) => (url.href === TOKEN ? 'none' : open), {
      relay: { allow: (target) => target.origin !== ISSUER },
    })
    await expect(handle.authorize()).rejects.toMatchObject({
      code: 'relay_refused',
      details: { reason: 'target_not_allowed' },
    })
    expect(relayedFor(TOKEN)).toHaveLength(1)
    expect(w.navigations()).toEqual([])
  })

  test('a token endpoint and a resource without CORS: checked once each, learned, and the code goes through the relay', async () => {
    const { handle, w, relayedFor, stored, asked } = setup(
      (url) => (url.href === TOKEN || url.href === RESOURCE ? 'none' : open),
      { relay: { allow: () => true } },
    )
    expect(await handle.authorize()).toMatchObject({ status: 'authorized' })
    expect((await stored()).route).toEqual({ token: 'relay', resource: 'relay', dpop: 'off' })
    // The token endpoint: the check straight (refused), then through the relay, then the code.
    expect(asked(TOKEN)).toEqual([{ dpop: null, sent: true }])
    expect(relayedFor(TOKEN)).toHaveLength(2)
    expect(w.grants('authorization_code')).toHaveLength(1)
    // A second authorization checks nothing: both routes are known.
    await handle.authorize()
    expect(asked(TOKEN)).toHaveLength(1)
    expect(relayedFor(TOKEN)).toHaveLength(3)
  })

  test('an authorization server that starts binding tokens: the next authorization checks again, with a proof', async () => {
    const { handle, w, stored, asked } = setup(
      (url) => (url.origin === ISSUER || url.href === RESOURCE ? noDpop : open),
      { relay: { allow: () => true } },
    )
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    expect((await stored()).route).toEqual({ token: 'direct', resource: 'direct', dpop: 'off' })
    // The authorization server now binds tokens; the resource drops the tokens it knew.
    mock.use(...dpopWorld(w).handlers)
    w.accessTokens.clear()
    w.options.refresh = 'invalid_grant'
    expect((await mcpCall(handle).catch(() => undefined))?.status ?? 401).toBe(401)
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    // Both checks ran again with a proof: CORS refused it, so the relay is the way for both.
    expect(asked(TOKEN).filter((r) => r.dpop === 'route-check')).toEqual([
      { dpop: 'route-check', sent: false },
    ])
    expect(asked(RESOURCE).filter((r) => r.dpop === 'route-check')).toEqual([
      { dpop: 'route-check', sent: false },
    ])
    expect((await stored()).route).toEqual({ token: 'relay', resource: 'relay', dpop: 'auto' })
  })
})
