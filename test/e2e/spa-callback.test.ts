import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Stack, startStack } from '../../playground/stack/index.mjs'
import { watchContext } from '../apps/support/browser.js'
import { type StaticServer, serveStatic, strictCsp } from '../apps/support/serve.js'
import { launchChromium, signInAndConsent } from './support.js'

// The redirect URI is a route of the app itself: the server's SPA fallback serves the app's
// bundle there, exactly as Vite, Next.js or SvelteKit catch-all routes do.
let out: string
let spa: StaticServer
let origin: string
let stack: Stack
let browser: Browser

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'mcp-oauth-spa-'))
  await build({
    root: fileURLToPath(new URL('./spa', import.meta.url)),
    configFile: false,
    logLevel: 'error',
    build: { outDir: out, emptyOutDir: true, target: 'es2022' },
  })
  stack = await startStack()
  const stackOrigins = [stack.issuer, stack.servers.oauth].map((url) => new URL(url).origin)
  spa = await serveStatic({ root: out, csp: strictCsp(stackOrigins), spaFallback: true })
  origin = spa.origin
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await stack?.close()
  await spa?.close()
  if (out) await rm(out, { recursive: true, force: true })
})

/** A fresh profile whose pages fail the test on any page error, console error or CSP violation. */
async function withContext(run: (context: BrowserContext) => Promise<void>) {
  const context = await browser.newContext()
  const problems = await watchContext(context, {
    expected: [{ status: 401, url: stack.servers.oauth, why: 'the probe, before any token' }],
  })
  await context.addInitScript(
    ([app, server]) => {
      if (location.origin === app) localStorage.setItem('server', server as string)
    },
    [origin, stack.servers.oauth],
  )
  try {
    await run(context)
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

const status = (page: Page) => page.textContent('#status')
const result = (page: Page) => page.textContent('#result')

async function openApp(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${origin}/`)
  await expect.poll(() => status(page)).toBe('needs-authorization')
  return page
}

async function clickAuthorize(context: BrowserContext, page: Page): Promise<Page> {
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#authorize')])
  return popup
}

describe('callback on an SPA route (no callback page)', () => {
  test('popup: the opener takes the response from the app route and closes the popup', async () => {
    await withContext(async (context) => {
      const app = await openApp(context)
      const popup = await clickAuthorize(context, app)
      await signInAndConsent(popup)
      await expect.poll(() => status(app)).toBe('authorized')
      await expect.poll(() => popup.isClosed()).toBe(true)
      expect(await result(app)).toBe('ok authorized')
    })
  })

  test('popup under COOP: the app bundle on the redirect URI delivers over BroadcastChannel', async () => {
    stack.setCoop(true)
    try {
      await withContext(async (context) => {
        const app = await openApp(context)
        const popup = await clickAuthorize(context, app)
        await popup.waitForSelector('input[name="login"]')
        expect(await popup.evaluate(() => window.opener === null)).toBe(true)
        await signInAndConsent(popup)
        await expect.poll(() => status(app)).toBe('authorized')
        await expect.poll(() => popup.isClosed()).toBe(true)
        // The code left the popup's address bar before anything else ran.
        expect(await result(app)).toBe('ok authorized')
      })
    } finally {
      stack.setCoop(false)
    }
  })

  test('full-page redirect: the app finishes on its own route and returns to the start page', async () => {
    await withContext(async (context) => {
      const app = await openApp(context)
      await app.click('#authorize-redirect')
      await app.waitForURL((url) => url.origin !== origin)
      await signInAndConsent(app)
      await app.waitForURL((url) => url.origin === origin)
      // No window claims the response (one second), then this page exchanges it.
      await expect.poll(() => status(app), { timeout: 10_000 }).toBe('authorized')
      expect(new URL(app.url()).pathname).toBe('/')
      expect(app.url()).not.toContain('code=')
    })
  })

  for (const [name, path] of [
    ['a popup sent back to another app route', '/'],
    ['a callback for another flow', '/oauth/callback?code=x&state=another'],
    ['a callback route with no response', '/oauth/callback'],
  ] as const) {
    test(`${name} fails with callback_not_delivered naming the redirect URI`, async () => {
      await withContext(async (context) => {
        const app = await openApp(context)
        const popup = await clickAuthorize(context, app)
        await popup.waitForSelector('input[name="login"]')
        await popup.goto(`${origin}${path}`)
        // Within seconds (the delivery grace), long before the flow's ten-minute timeout.
        await expect.poll(() => status(app), { timeout: 10_000 }).toBe('error')
        expect(await app.textContent('#error')).toBe('callback_not_delivered')
        expect(await result(app)).toContain(`"redirectUri":"${origin}/oauth/callback"`)
      })
    })
  }
})
