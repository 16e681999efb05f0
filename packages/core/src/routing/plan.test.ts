import 'fake-indexeddb/auto'
import {
  browserPage,
  type CorsPolicy,
  createWorld,
  dpopWorld,
  useMockServer,
} from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { ClientRecord } from '../contracts/records.js'
import { ConfigurationError } from '../errors.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'
import { planAuthorization } from './plan.js'

// The plan of a new authorization: its DPoP mode, its routes and the key its code is bound to,
// decided before the authorization URL is built.
const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const PAGE = new URL(REDIRECT).origin
const ISSUER = 'https://auth.example.com'
const TOKEN = `${ISSUER}/token`
const RESOURCE = 'https://mcp.example.com/mcp'

type Input = Parameters<typeof planAuthorization>[0]
type Dpop = NonNullable<Input['dpop']>

describe('outside a page (nothing to check)', () => {
  const as = { issuer: ISSUER, token_endpoint: TOKEN } as Input['discovery']['as']
  const discovery = (prm?: Record<string, unknown>): Input['discovery'] =>
    ({ as, resource: RESOURCE, prm }) as Input['discovery']
  const context = (preRegistered: Record<string, unknown> = {}, routes?: unknown) =>
    ({
      fetch: () => Promise.reject(new Error('nothing is sent')),
      routes,
      preRegistered,
    }) as unknown as Input['ctx']
  const client = (method: ClientRecord['tokenEndpointAuthMethod'] = 'none') =>
    Promise.resolve({ clientId: 'c', tokenEndpointAuthMethod: method } as ClientRecord)
  /** A DPoP module whose plan is `mode`, recording what it was asked. */
  const dpopModule = (mode: 'auto' | 'required' | 'off') => {
    const asked: unknown[][] = []
    const dpop = {
      plan: (...args: unknown[]) => {
        asked.push(['plan', ...args])
        return mode
      },
      forAuthorization: (...args: unknown[]) => {
        asked.push(['forAuthorization', ...args])
        return { thumbprint: async () => 'jkt-of-the-key' }
      },
    } as unknown as Dpop
    return { dpop, asked }
  }
  /** The plan of a public client outside a page, with no relay, unless `more` says otherwise. */
  const plan = (dpop: Dpop | undefined, more: Partial<Input> = {}) =>
    planAuthorization({
      ctx: context(),
      server: RESOURCE,
      discovery: discovery(),
      dpop,
      client: client(),
      ...more,
    })

  test('DPoP as the module plans it, and the key thumbprint for dpop_jkt', async () => {
    const { dpop, asked } = dpopModule('auto')
    expect(await plan(dpop)).toEqual({
      route: { token: 'direct', resource: 'direct', dpop: 'auto' },
      dpopJkt: 'jkt-of-the-key',
    })
    // A resource without metadata requires nothing; the proofs are for the planned mode.
    expect(asked).toEqual([
      ['plan', as, undefined],
      ['forAuthorization', as, RESOURCE, 'auto'],
    ])
  })

  test("the resource's dpop_bound_access_tokens_required reaches the plan", async () => {
    const { dpop, asked } = dpopModule('required')
    const required = await plan(dpop, {
      discovery: discovery({ resource: RESOURCE, dpop_bound_access_tokens_required: true }),
      client: client('client_secret_basic'),
    })
    expect(required?.route.dpop).toBe('required')
    expect(asked[0]).toEqual(['plan', as, true])
  })

  test('bearer tokens: no proofs, no dpop_jkt', async () => {
    const { dpop, asked } = dpopModule('off')
    expect(await plan(dpop)).toEqual({
      route: { token: 'direct', resource: 'direct', dpop: 'off' },
      dpopJkt: undefined,
    })
    expect(asked.map(([name]) => name)).toEqual(['plan'])
    // Without the DPoP module (no server that may bind tokens), the same.
    expect(await plan(undefined)).toEqual({
      route: { token: 'direct', resource: 'direct', dpop: 'off' },
      dpopJkt: undefined,
    })
  })

  test('no client identity: no plan', async () => {
    const { dpop, asked } = dpopModule('auto')
    expect(await plan(dpop, { client: Promise.resolve(undefined) })).toBeUndefined()
    expect(asked.map(([name]) => name)).toEqual(['plan'])
  })

  test('a client whose secret is at the relay needs a relay, and no clientSecret in the page', async () => {
    const relay = { relay: '/mcp-relay', learned: new Set() }
    for (const ctx of [
      context({ [ISSUER]: { clientId: 'c', secretAtRelay: true } }),
      context({ [ISSUER]: { clientId: 'c', secretAtRelay: true, clientSecret: 's' } }, relay),
    ]) {
      const error = await plan(undefined, { ctx }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error).toMatchObject({ code: 'invalid_configuration' })
      expect((error as Error).message).toBe(
        `The client of ${ISSUER} has its secret at the relay: pass relay to createMcpAuth(), and no clientSecret`,
      )
    }
    // With a relay and no secret in the page: its token requests go through the relay.
    const ctx = context({ [ISSUER]: { clientId: 'c', secretAtRelay: true } }, relay)
    expect((await plan(undefined, { ctx }))?.route.token).toBe('relay')
  })
})

describe('in a page: a client that authenticates with HTTP Basic', () => {
  /** CORS of an authorization server that allows `dpop` but not `authorization`. */
  const noAuthorization: CorsPolicy = {
    allowHeaders: ['content-type', 'dpop'],
    expose: ['dpop-nonce'],
  }
  const open: CorsPolicy = {
    allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version', 'dpop'],
    expose: ['www-authenticate', 'dpop-nonce'],
  }

  function setup(asCors: CorsPolicy) {
    const page = browserPage(PAGE, (url) => (url.origin === ISSUER ? asCors : open))
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const kit = setupWorld(mock, w, {
      auth: { preRegistered: { [ISSUER]: { clientId: 'conf', clientSecret: 's3cret' } } },
    })
    mock.use(...dpopWorld(w).handlers)
    w.clients.set('conf', { method: 'client_secret_basic', secret: 's3cret' })
    const checks = () =>
      page.requests
        .filter((r) => r.url === TOKEN && r.headers.get('dpop') === 'route-check')
        .map((r) => ({ authorization: r.headers.get('authorization'), sent: r.sent }))
    return { w, checks, ...kit }
  }

  test('its route is checked again with an authorization header: refused before the user signs in', async () => {
    const { handle, w, checks } = setup(noAuthorization)
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'cors_blocked',
      details: { url: TOKEN, step: 'token', allowHeaders: ['authorization'] },
    })
    // The first check (before the client was known) passed; the one with HTTP Basic (no ID,
    // no secret: it spends nothing) was refused its preflight, and so was the code.
    expect(checks()).toEqual([
      { authorization: null, sent: true },
      { authorization: `Basic ${btoa(':')}`, sent: false },
    ])
    expect(w.navigations()).toEqual([])
    expect(w.grants('authorization_code')).toEqual([])
  })

  test('a token endpoint that allows it: DPoP, and the code bound to the key', async () => {
    const { handle, w, checks } = setup(open)
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    expect(checks()).toEqual([
      { authorization: null, sent: true },
      { authorization: `Basic ${btoa(':')}`, sent: true },
    ])
    expect(w.navigations()[0]!.searchParams.get('dpop_jkt')).toBeTruthy()
    expect(w.grants('authorization_code')[0]!.headers.get('authorization')).toBe(
      `Basic ${btoa('conf:s3cret')}`,
    )
  })
})
