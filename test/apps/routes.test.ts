import { rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Stack, startStack } from '../../playground/stack/index.mjs'
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
const built: string[] = []

beforeAll(async () => {
  const packed = await packPackages(['core'])
  built.push(packed.dir)
  const dist = await bundleWithTarballs('routes', packed.tarballs)
  built.push(dirname(dist))
  stack = await startStack()
  const connect = [stack.dpopHeaderRefusedIssuer, stack.servers.dpopHeaderRefused]
  site = await serveStatic({
    root: dist,
    csp: strictCsp(connect.map((url) => new URL(url).origin)),
    spaFallback: false,
  })
  browser = await launchChromium()
}, 300_000)

afterAll(async () => {
  await browser?.close()
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
