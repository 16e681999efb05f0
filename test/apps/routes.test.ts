import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Stack, startRelayHost, startStack } from '../../playground/stack/index.mjs'
import { launchChromium, signInAndConsent } from '../e2e/support.js'
import { bundleWithTarballs } from './support/bundle.js'
import { packPackages } from './support/install.js'
import { type StaticServer, serveStatic, strictCsp } from './support/serve.js'

/**
 * The kit as published (its packed tarball, bundled by esbuild) in Chromium, against demo-stack
 * servers a browser cannot use as they are: each request goes the way decided before any code
 * or refresh token exists, and each is sent once.
 */
let stack: Stack
let browser: Browser
let site: StaticServer
/** The stack's relay, created with the relay module of the packed core. */
let relay: { url: string; close(): Promise<void> }
/** What the relay forwarded: each target's origin and path, and the client authentication added. */
const relayed: { target: string; auth?: string }[] = []
const built: string[] = []

beforeAll(async () => {
  const packed = await packPackages(['core'])
  built.push(packed.dir)
  const { dist, root } = await bundleWithTarballs('routes', packed.tarballs, {
    'mcp-headers.mjs': 'playground/stack/mcp-headers.mjs',
  })
  built.push(root)
  // The page's origin comes first: the confidential clients take it as their redirect URI. Its
  // policy (connect-src: the stack and the relay) is read per request, so it is set once known.
  const options = { root: dist, csp: '', spaFallback: false }
  site = await serveStatic(options)
  stack = await startStack({ redirectUris: [`${site.origin}/`] })
  const published = (await import(
    join(root, 'node_modules/@mcp-oauth/core/dist/relay.js')
  )) as typeof import('@mcp-oauth/core/relay')
  relay = await startRelayHost(stack, {
    origins: [site.origin],
    relay: published,
    onEvent: (event) => {
      if (event.outcome === 'forwarded' && event.target) {
        relayed.push({
          target: event.target,
          ...(event.clientAuthentication ? { auth: event.clientAuthentication } : {}),
        })
      }
    },
  })
  const origins = [
    ...Object.values(stack.servers),
    stack.issuer,
    stack.dpopHeaderRefusedIssuer,
    stack.tokenWithoutCorsIssuer,
    stack.confidentialIssuer,
    relay.url,
  ].map((url) => new URL(url).origin)
  options.csp = strictCsp([...new Set(origins)])
  browser = await launchChromium()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await relay?.close()
  await site?.close()
  await stack?.close()
  for (const dir of built) await rm(dir, { recursive: true, force: true })
})

/** A console error the flow calls for: its text, and the start of the URL it is about. */
interface Expected {
  text: RegExp
  url?: string
  why: string
}

/**
 * A fresh profile that fails the test on any page error or console error but `expected` ones
 * (and a missing icon). Chromium logs each answer with an error status, and each request CORS
 * refused, as a console error even when the page expected it.
 */
async function withContext(
  expected: Expected[],
  run: (context: BrowserContext, navigations: string[]) => Promise<void>,
) {
  const context = await browser.newContext()
  const problems: string[] = []
  const navigations: string[] = []
  context.on('request', (request) => {
    if (request.isNavigationRequest()) navigations.push(request.url())
  })
  context.on('page', (page) => {
    page.on('pageerror', (error) => problems.push(`${page.url()}: page error: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error') return
      const text = message.text()
      const url = message.location().url
      if (url.endsWith('/favicon.ico')) return
      if (expected.some((e) => e.text.test(text) && (!e.url || url.startsWith(e.url)))) return
      problems.push(`${page.url()}: console error from ${url}: ${text}`)
    })
  })
  try {
    await run(context, navigations)
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

const text = (page: Page, id: string) => page.textContent(`#${id}`)

async function open(context: BrowserContext, query: Record<string, string>): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${site.origin}/?${new URLSearchParams(query)}`)
  await expect.poll(() => text(page, 'status')).not.toMatch(/^(unknown|probing)$/)
  return page
}

async function click(page: Page, id: string): Promise<string> {
  await page.click(`#${id}`)
  await expect.poll(() => text(page, 'result')).not.toBe('working')
  return (await text(page, 'result')) ?? ''
}

describe('an authorization server that advertises DPoP, whose CORS allows only authorization and content-type', () => {
  const server = () => stack.servers.dpopHeaderRefused
  const issuer = () => stack.dpopHeaderRefusedIssuer
  /** What CORS refusing the `dpop` header, and the protocol's own answers, put on the console. */
  const expected = (): Expected[] => [
    {
      text: /Request header field dpop is not allowed by Access-Control-Allow-Headers/,
      why: 'the route checks with a dpop header: their preflight is refused, nothing is sent',
    },
    { text: /net::ERR_FAILED/, url: `${issuer()}/token`, why: 'the token check with a proof' },
    { text: /net::ERR_FAILED/, url: server(), why: 'the probe again, with a dpop header' },
    { text: /status of 400/, url: `${issuer()}/token`, why: 'the token check without a proof' },
    { text: /status of 401/, url: server(), why: 'the probe, before any token' },
    { text: /status of 405/, url: server(), why: "the SDK's optional GET stream" },
    {
      text: /status of 400/,
      url: `${issuer()}/token/revocation`,
      why: 'oidc-provider does not revoke JWT access tokens (unsupported_token_type)',
    },
  ]

  test("'auto' signs in with a bearer token; the code is sent once, calls, refreshes and revokes", async () => {
    await withContext(expected(), async (context, navigations) => {
      const page = await open(context, { server: server() })
      expect(await text(page, 'status')).toBe('needs-authorization')
      const before = stack.dpopHeaderRefusedStats()
      const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#authorize')])
      await signInAndConsent(popup)
      await expect.poll(() => text(page, 'status')).toBe('authorized')
      expect(await text(page, 'token-type')).toBe('Bearer')
      expect(JSON.parse((await text(page, 'route')) ?? '')).toEqual({
        token: 'direct',
        resource: 'direct',
        dpop: 'off',
        note: 'dpop-refused',
      })
      // The authorization request was not bound to a key that the exchange could not prove.
      const authorization = navigations.find((url) => url.startsWith(`${issuer()}/auth?`))
      expect(new URL(authorization!).searchParams.has('dpop_jkt')).toBe(false)
      // At the authorization server: the check without a proof (the one with a proof never got
      // past its preflight), then the code, once.
      const signedIn = stack.dpopHeaderRefusedStats()
      expect(signedIn.tokenRequests.other - before.tokenRequests.other).toBe(1)
      expect(
        signedIn.tokenRequests.authorization_code - before.tokenRequests.authorization_code,
      ).toBe(1)
      expect(signedIn.grants.authorization_code - before.grants.authorization_code).toBe(1)

      expect(await click(page, 'call')).toBe('ok routed')

      // A reload that refreshes before every use: the refresh goes without a proof too.
      const reloaded = await open(context, { server: server(), skew: '100000' })
      expect(await text(reloaded, 'status')).toBe('authorized')
      expect(await click(reloaded, 'refresh')).toBe('ok authorized')
      const refreshed = stack.dpopHeaderRefusedStats()
      expect(refreshed.tokenRequests.refresh_token - signedIn.tokenRequests.refresh_token).toBe(1)
      expect(refreshed.grants.refresh_token - signedIn.grants.refresh_token).toBe(1)
      expect(refreshed.invalidGrants).toBe(before.invalidGrants)

      expect(await click(reloaded, 'disconnect')).toBe('ok revoked')
      expect(stack.dpopHeaderRefusedStats().revocations - refreshed.revocations).toBe(2)
    })
  })

  test("'required' fails with cors_blocked naming dpop, before the user signs in: no code exists", async () => {
    await withContext(expected(), async (_context, navigations) => {
      const page = await open(_context, { server: server(), dpop: 'required' })
      const before = stack.dpopHeaderRefusedStats()
      await page.click('#authorize')
      await expect.poll(() => text(page, 'status')).toBe('error')
      expect(await text(page, 'error')).toBe('cors_blocked')
      expect(await text(page, 'message')).toContain('Access-Control-Allow-Headers: dpop')
      expect(navigations.some((url) => url.startsWith(`${issuer()}/auth`))).toBe(false)
      const after = stack.dpopHeaderRefusedStats()
      expect(after.tokenRequests.authorization_code).toBe(before.tokenRequests.authorization_code)
      expect(after.grants.authorization_code).toBe(before.grants.authorization_code)
    })
  })
})

describe('through the relay (the relay module of the packed core, on a host of its own)', () => {
  /**
   * What the page logs on the way: each harmless request CORS refused (it then goes through the
   * relay), and the protocol's own error answers, straight or relayed.
   */
  const expected = (target: string): Expected[] => [
    {
      text: /has been blocked by CORS policy/,
      why: 'a request the browser would not let the page read',
    },
    { text: /net::ERR_FAILED/, why: 'the same request, as Chromium counts it' },
    { text: /status of 40[015]/, url: target, why: 'the probe, the SDK GET stream, a route check' },
    { text: /status of 40[015]/, url: relay.url, why: 'the same answers, through the relay' },
    { text: /status of 400/, url: stack.issuer, why: 'the revocation of a JWT access token' },
    {
      text: /status of 404/,
      why: 'the no-cors HEAD that tells a CORS refusal from a host that is down',
    },
  ]
  const targets = (path: string) => relayed.filter((r) => new URL(r.target).pathname === path)

  /** Signs in through the popup the Authorize button opens. */
  async function authorize(context: BrowserContext, page: Page) {
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#authorize')])
    await signInAndConsent(popup)
    await expect.poll(() => text(page, 'status')).toBe('authorized')
  }

  test('a token endpoint without CORS: the code, a refresh and the revocation go through it, once each', async () => {
    const server = stack.servers.tokenWithoutCors
    const issuer = stack.tokenWithoutCorsIssuer
    await withContext(expected(server), async (context) => {
      const page = await open(context, { server, relay: relay.url })
      expect(await text(page, 'status')).toBe('needs-authorization')
      const before = stack.tokenWithoutCorsStats()
      relayed.length = 0
      await authorize(context, page)
      // The route check (a token request that spends nothing, which the browser sent but could
      // not read) learned the way before the code existed; the code then went once, relayed.
      expect(JSON.parse((await text(page, 'route')) ?? '')).toMatchObject({ token: 'relay' })
      const signedIn = stack.tokenWithoutCorsStats()
      expect(
        signedIn.tokenRequests.authorization_code - before.tokenRequests.authorization_code,
      ).toBe(1)
      expect(signedIn.grants.authorization_code - before.grants.authorization_code).toBe(1)
      expect(targets('/token').length).toBe(2)
      expect(await click(page, 'call')).toBe('ok routed')

      const reloaded = await open(context, { server, relay: relay.url, skew: '100000' })
      expect(await click(reloaded, 'refresh')).toBe('ok authorized')
      const refreshed = stack.tokenWithoutCorsStats()
      expect(refreshed.tokenRequests.refresh_token - signedIn.tokenRequests.refresh_token).toBe(1)
      expect(refreshed.grants.refresh_token - signedIn.grants.refresh_token).toBe(1)
      expect(targets('/token').length).toBe(3)
      expect(await click(reloaded, 'disconnect')).toBe('ok revoked')
      expect(targets('/token/revocation').length).toBe(2)
      expect(stack.tokenWithoutCorsStats().revocations - refreshed.revocations).toBe(2)
      expect((await text(reloaded, 'relayed'))?.split(' ')).toEqual(
        expect.arrayContaining(['refresh', 'revocation']),
      )
      expect(refreshed.invalidGrants).toBe(before.invalidGrants)
      expect(`${issuer}/token`).toBe(targets('/token')[0]!.target)
    })
  })

  test('a token endpoint without CORS, without the relay: cors_blocked, the code sent once', async () => {
    const server = stack.servers.tokenWithoutCors
    await withContext(expected(server), async (context) => {
      const page = await open(context, { server })
      const before = stack.tokenWithoutCorsStats()
      const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#authorize')])
      await signInAndConsent(popup)
      await expect.poll(() => text(page, 'status')).toBe('error')
      expect(await text(page, 'error')).toBe('cors_blocked')
      expect(await text(page, 'message')).toContain("pass relay: '/mcp-relay' to createMcpAuth()")
      const after = stack.tokenWithoutCorsStats()
      expect(after.tokenRequests.authorization_code - before.tokenRequests.authorization_code).toBe(
        1,
      )
    })
  })

  test('a confidential client, no registration, no CORS on the authorization server: the relay holds the secret', async () => {
    const server = stack.servers.confidential
    const issuer = stack.confidentialIssuer
    const { clientId, clientSecret } = stack.confidentialClients.basic
    const query = { server, relay: relay.url, issuer, client: clientId }
    await withContext(expected(server), async (context) => {
      relayed.length = 0
      const page = await open(context, query)
      expect(await text(page, 'status')).toBe('needs-authorization')
      // The metadata GETs CORS refused went again through the relay.
      expect(relayed.some((r) => r.target.startsWith(`${issuer}/.well-known/`))).toBe(true)
      const before = stack.confidentialStats()
      await authorize(context, page)
      expect(await click(page, 'call')).toBe('ok routed')
      const reloaded = await open(context, { ...query, skew: '100000' })
      expect(await click(reloaded, 'refresh')).toBe('ok authorized')
      // Nothing the page keeps holds it: every record of the kit's IndexedDB, as JSON.
      const stored = await reloaded.evaluate(
        () =>
          new Promise<string>((resolve, reject) => {
            const open = indexedDB.open('mcp-oauth')
            open.onerror = () => reject(open.error)
            open.onsuccess = () => {
              const all = open.result.transaction('records').objectStore('records').getAll()
              all.onsuccess = () => resolve(JSON.stringify(all.result))
            }
          }),
      )
      expect(stored).toContain(clientId)
      expect(await click(reloaded, 'disconnect')).toBe('ok revoked')
      const after = stack.confidentialStats()
      expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1)
      expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1)
      expect(after.revocations - before.revocations).toBe(2)
      // Every token and revocation request carried the secret, added by the relay alone.
      const authenticated = relayed.filter((r) => /\/token(\/revocation)?$/.test(r.target))
      expect(authenticated.map((r) => r.auth)).toEqual(Array(4).fill('client_secret_basic'))
      expect(after.clientAuthentications.client_secret_basic).toBe(
        before.clientAuthentications.client_secret_basic + 4,
      )
      expect(stored).not.toContain(clientSecret)
      expect(await reloaded.content()).not.toContain(clientSecret)
    })
  })

  test('no CORS on the authorization server, without the relay: cors_blocked at discovery', async () => {
    const server = stack.servers.confidential
    await withContext(expected(server), async (context) => {
      const page = await open(context, { server })
      expect(await text(page, 'status')).toBe('error')
      expect(await text(page, 'error')).toBe('cors_blocked')
      expect(await text(page, 'message')).toContain('authorization server metadata request')
    })
  })

  test('an MCP endpoint whose preflight refuses Mcp-Method and Mcp-Name: its calls go through the relay', async () => {
    const server = stack.servers.standardHeaders
    const query = { server, relay: relay.url, protocol: '2026-07-28', standard: '1' }
    await withContext(expected(server), async (context) => {
      relayed.length = 0
      const page = await open(context, query)
      // The probe carries Mcp-Method (2026-07-28): its refused preflight taught the way.
      expect(await text(page, 'status')).toBe('needs-authorization')
      const before = stack.standardHeadersStats()
      await authorize(context, page)
      expect(JSON.parse((await text(page, 'route')) ?? '')).toMatchObject({ resource: 'relay' })
      expect(await click(page, 'call')).toBe('ok routed')
      const after = stack.standardHeadersStats()
      expect(after.accepted).toBeGreaterThan(before.accepted)
      expect(after.refused).toBe(before.refused)
      expect(targets(new URL(server).pathname).length).toBeGreaterThan(1)
      const reloaded = await open(context, { ...query, skew: '100000' })
      expect(await click(reloaded, 'refresh')).toBe('ok authorized')
      expect(await click(reloaded, 'call')).toBe('ok routed')
      expect(await click(reloaded, 'disconnect')).toBe('ok revoked')
    })
  })

  test('an MCP endpoint that refuses Mcp-Method, without the relay: cors_blocked naming it', async () => {
    const server = stack.servers.standardHeaders
    await withContext(expected(server), async (context) => {
      const page = await open(context, { server, protocol: '2026-07-28' })
      expect(await text(page, 'status')).toBe('error')
      expect(await text(page, 'error')).toBe('cors_blocked')
      expect(await text(page, 'message')).toContain('mcp-method, mcp-name')
    })
  })
})
