import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CorsEndpoint } from '../../playground/stack/index.mjs'
import { signInAndConsent, startWorld } from './support.js'

let world: Awaited<ReturnType<typeof startWorld>>

beforeAll(async () => {
  world = await startWorld()
})

afterAll(() => world?.close())

const status = (page: Page) => page.textContent('#status')
const error = async (page: Page) => ({
  code: await page.textContent('#error'),
  step: await page.getAttribute('#error', 'data-step'),
})

/**
 * A fresh profile whose console is watched. A request the browser refuses is logged by
 * Chromium itself, and that is expected here, with reasons: "Access to fetch at … blocked by
 * CORS policy" for the switched-off endpoint only, and "Failed to load resource" for a
 * cross-origin request (the refused one, a 401 challenge, a refused connection, the answer to
 * the kit's `no-cors` check). Anything else, or a page error, fails the test.
 */
async function withWatchedContext(
  run: (context: BrowserContext, blocked: string[]) => Promise<void>,
) {
  const context = await world.browser.newContext()
  const problems: string[] = []
  const blocked: string[] = []
  context.on('page', (page) => {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return
      const text = message.text()
      const cors =
        /^Access to fetch at '([^']+)' from origin '[^']+' has been blocked by CORS policy/.exec(
          text,
        )
      if (cors) return void blocked.push(cors[1]!)
      const source = message.location().url
      // The test page's own harness, not the kit: its dev server runs without HMR, so the Vite
      // client cannot open its websocket, and the page has no favicon.
      if (source === `${world.testPage.origin}/@vite/client`) return
      if (source === `${world.testPage.origin}/favicon.ico`) return
      const crossOrigin = source !== '' && new URL(source).origin !== world.testPage.origin
      if (text.startsWith('Failed to load resource') && crossOrigin) return
      problems.push(`console ${message.type()} at ${source}: ${text}`)
    })
  })
  try {
    await run(context, blocked)
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

async function openApp(context: BrowserContext, server: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${world.testPage.origin}/index.html?server=${encodeURIComponent(server)}`)
  await expect.poll(() => status(page)).not.toMatch(/^(unknown|probing)$/)
  return page
}

/** Runs `body` with the CORS headers of `endpoint` switched off on every server of the stack. */
async function withoutCors(endpoint: CorsEndpoint, body: () => Promise<void>) {
  world.stack.setCors(endpoint, false)
  try {
    await body()
  } finally {
    world.stack.setCors(endpoint, true)
  }
}

describe('a CORS block is told from being offline (Chromium)', () => {
  const discoverySteps: Array<[CorsEndpoint, string, RegExp]> = [
    ['mcp', 'MCP', /\/mcp$/],
    ['resource-metadata', 'resource metadata', /\/\.well-known\/oauth-protected-resource/],
    [
      'authorization-server-metadata',
      'authorization server metadata',
      /\/\.well-known\/(oauth-authorization-server|openid-configuration)/,
    ],
  ]
  test.each(discoverySteps)(
    'CORS off for %s → cors_blocked naming the step',
    (endpoint, step, url) =>
      withWatchedContext(async (context, blocked) => {
        await withoutCors(endpoint, async () => {
          const app = await openApp(context, world.stack.servers.oauth)
          expect(await status(app)).toBe('error')
          expect(await error(app)).toEqual({ code: 'cors_blocked', step })
        })
        expect(blocked.length).toBeGreaterThan(0)
        for (const refused of blocked) expect(refused).toMatch(url)
      }),
  )

  test('CORS off for the token endpoint → cors_blocked at the code exchange', () =>
    withWatchedContext(async (context, blocked) => {
      await withoutCors('token', async () => {
        const app = await openApp(context, world.stack.servers.oauth)
        expect(await status(app)).toBe('needs-authorization')
        const [popup] = await Promise.all([context.waitForEvent('page'), app.click('#authorize')])
        await signInAndConsent(popup)
        await expect.poll(() => status(app)).toBe('error')
        expect(await error(app)).toEqual({ code: 'cors_blocked', step: 'token' })
      })
      expect(blocked.length).toBeGreaterThan(0)
      for (const refused of blocked) expect(refused).toBe(`${world.stack.issuer}/token`)
    }))

  test('a closed port → network_error (transient), not cors_blocked', () =>
    withWatchedContext(async (context, blocked) => {
      // A port that was free a moment ago and is closed now: nothing answers there.
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      await new Promise((resolve) => server.close(resolve))
      const app = await openApp(context, `http://127.0.0.1:${port}/mcp`)
      expect(await status(app)).toBe('error')
      expect((await error(app)).code).toBe('network_error')
      expect(blocked).toEqual([])
    }))
})
