import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { build, type Plugin, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Stack } from '../../playground/stack/index.mjs'
import { signInAndConsent, startWorld } from './support.js'

const artifacts = fileURLToPath(new URL('./artifacts/components/', import.meta.url))
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

let world: Awaited<ReturnType<typeof startWorld>>
let testPage: typeof world.testPage
let stack: Stack
let browser: Browser

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  world = await startWorld()
  ;({ testPage, stack, browser } = world)
})

afterAll(() => world?.close())

async function withPage(
  server: string,
  run: (page: Page, context: BrowserContext) => Promise<void>,
) {
  const context = await browser.newContext({ viewport: { width: 640, height: 640 } })
  try {
    const page = await context.newPage()
    await page.goto(`${testPage.origin}/components.html?server=${encodeURIComponent(server)}`)
    await run(page, context)
  } finally {
    await context.close()
  }
}

const text = async (locator: Locator) => (await locator.textContent()) ?? ''
const authorizeStatus = (page: Page) => page.getAttribute('mcp-authorize', 'status')
const authorizeText = (page: Page) => text(page.locator('mcp-authorize [part~="container"]'))
const pill = (page: Page) => text(page.locator('mcp-server-card [part~="pill"]'))

/** A screenshot of both elements, for people to look at. */
const snap = (page: Page, state: string) =>
  page.locator('main').screenshot({ path: `${artifacts}${state}.png` })

/**
 * axe-core over the page, shadow roots included. Under a strict policy a `<script>` tag would
 * be refused, so axe is evaluated through the test runner instead.
 */
async function axeViolations(page: Page, { strict = false } = {}) {
  if (strict) await page.evaluate(readFileSync(axePath, 'utf8'))
  else await page.addScriptTag({ path: axePath })
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
          ) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }>
        }
      }
    ).axe
    const result = await axe.run(document)
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)
  })
}

async function authorizeWithClick(
  page: Page,
  context: BrowserContext,
  choice: 'allow' | 'deny' = 'allow',
) {
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.click('mcp-authorize button:text-is("Authorize")'),
  ])
  await expect.poll(() => authorizeStatus(page)).toBe('authorizing')
  await snap(page, 'authorizing')
  await signInAndConsent(popup, choice)
}

describe('<mcp-authorize> and <mcp-server-card> in Chromium', () => {
  test('checking, then a full authorization through clicks on the element', async () => {
    await withPage(stack.servers.oauth, async (page, context) => {
      await expect.poll(() => authorizeStatus(page)).toBe('needs-authorization')
      expect(await authorizeText(page)).toContain('Demo tools needs your permission.')
      expect(await authorizeText(page)).toContain(
        `You will sign in at ${new URL(stack.issuer).host}.`,
      )
      expect(await pill(page)).toBe('Needs authorization')
      await snap(page, 'needs-authorization')
      expect((await axeViolations(page)).join('\n')).toBe('')

      const authorized = page.evaluate(
        () =>
          new Promise<string>((resolve) =>
            document.addEventListener(
              'mcp-authorized',
              (e) => resolve((e as CustomEvent).detail.status),
              {
                once: true,
              },
            ),
          ),
      )
      await authorizeWithClick(page, context)
      expect(await authorized).toBe('authorized')
      await expect.poll(() => authorizeText(page)).toContain('Connected to Demo tools.')
      await expect.poll(() => pill(page)).toBe('Authorized · expires in 5 min')
      expect(await text(page.locator('mcp-server-card [part~="scopes"]'))).toContain('mcp:read')
      await snap(page, 'authorized')
      expect((await axeViolations(page)).join('\n')).toBe('')

      // No token anywhere in the DOM, attributes included.
      const html = await page.evaluate(() =>
        [...document.querySelectorAll('mcp-authorize, mcp-server-card')]
          .map((el) => el.outerHTML + (el.shadowRoot?.innerHTML ?? ''))
          .join(''),
      )
      expect(html).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
    })
  })

  test('the checking state while the probe is slow', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.route(stack.servers.oauth, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500))
        await route.continue()
      })
      await page.goto(
        `${testPage.origin}/components.html?server=${encodeURIComponent(stack.servers.oauth)}`,
      )
      const host = new URL(stack.servers.oauth).host
      await expect.poll(() => authorizeText(page)).toContain(`Checking ${host}…`)
      expect(await pill(page)).toBe('Checking…')
      await snap(page, 'checking')
    } finally {
      await context.close()
    }
  })

  test('deny → a clear denied state, and Try again works', async () => {
    await withPage(stack.servers.oauth, async (page, context) => {
      await expect.poll(() => authorizeStatus(page)).toBe('needs-authorization')
      await authorizeWithClick(page, context, 'deny')
      await expect.poll(() => authorizeStatus(page)).toBe('cancelled')
      expect(await authorizeText(page)).toContain('Access was denied.')
      await snap(page, 'denied')
      const [popup] = await Promise.all([
        context.waitForEvent('page'),
        page.click('mcp-authorize button:text-is("Try again")'),
      ])
      await signInAndConsent(popup)
      await expect.poll(() => authorizeStatus(page)).toBe('authorized')
    })
  })

  test('client ID needed: the form refuses an empty ID, then the typed ID works', async () => {
    await withPage(stack.servers.noRegistration, async (page, context) => {
      await expect.poll(() => authorizeStatus(page)).toBe('needs-client-id')
      // The forms load the first time one is needed.
      await page.waitForSelector('mcp-authorize form')
      await snap(page, 'needs-client-id')
      expect((await axeViolations(page)).join('\n')).toBe('')
      await page.click('mcp-authorize button:text-is("Continue")')
      await expect.poll(() => authorizeText(page)).toContain('Enter a client ID.')
      await page.fill('mcp-authorize input[name="client-id"]', stack.preRegisteredClient.clientId)
      await page.click('mcp-authorize button:text-is("Continue")')
      await expect.poll(() => authorizeStatus(page)).toBe('needs-authorization')
      await authorizeWithClick(page, context)
      await expect.poll(() => authorizeStatus(page)).toBe('authorized')
    })
  })

  test('token needed: a masked field; the static token connects', async () => {
    await withPage(stack.servers.token, async (page) => {
      await expect.poll(() => authorizeStatus(page)).toBe('needs-token')
      await page.waitForSelector('mcp-authorize form')
      expect(await page.getAttribute('mcp-authorize input[name="token"]', 'type')).toBe('password')
      await snap(page, 'needs-token')
      await page.fill('mcp-authorize input[name="token"]', stack.staticToken)
      await page.click('mcp-authorize button:text-is("Connect")')
      await expect.poll(() => authorizeStatus(page)).toBe('authorized')
      expect(await page.content()).not.toContain(stack.staticToken)
    })
  })

  test('open server', async () => {
    await withPage(stack.servers.open, async (page) => {
      await expect.poll(() => authorizeStatus(page)).toBe('open')
      expect(await authorizeText(page)).toContain('needs no authorization')
      expect(await pill(page)).toBe('Open')
      await snap(page, 'open')
    })
  })

  test('step-up: the extra permissions are named, and Authorize grants them', async () => {
    await withPage(stack.servers.stepUp, async (page, context) => {
      await expect.poll(() => authorizeStatus(page)).toBe('needs-authorization')
      await authorizeWithClick(page, context)
      await expect.poll(() => authorizeStatus(page)).toBe('authorized')
      const call = () =>
        page.evaluate(async (url) => {
          const auth = (
            window as unknown as { mcpAuth: { server(u: string): { fetch: typeof fetch } } }
          ).mcpAuth
          const response = await auth.server(url).fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
            },
            body: JSON.stringify({
              jsonrpc: '2.0',
              id: 1,
              method: 'tools/call',
              params: { name: 'admin_action', arguments: {} },
            }),
          })
          return response.status
        }, stack.servers.stepUp)
      expect(await call()).toBe(403)
      await expect.poll(() => authorizeStatus(page)).toBe('needs-step-up')
      expect(await authorizeText(page)).toContain('needs more permissions: mcp:admin.')
      expect(await pill(page)).toBe('Needs more permissions')
      await snap(page, 'needs-step-up')
      await authorizeWithClick(page, context)
      await expect.poll(() => authorizeStatus(page)).toBe('authorized')
      expect(await call()).toBe(200)
    })
  })

  test('error: an unreachable server shows a message and Retry', async () => {
    await withPage('http://127.0.0.1:9/mcp', async (page) => {
      await expect.poll(() => authorizeStatus(page)).toBe('error')
      expect(await authorizeText(page)).toContain('could not be reached')
      expect(await pill(page)).toBe('Error')
      await snap(page, 'error')
      expect((await axeViolations(page)).join('\n')).toBe('')
    })
  })

  test('card: Disconnect asks first, then revokes at the AS', async () => {
    await withPage(stack.servers.oauth, async (page, context) => {
      await expect.poll(() => authorizeStatus(page)).toBe('needs-authorization')
      await authorizeWithClick(page, context)
      await expect.poll(() => pill(page)).toMatch(/^Authorized/)
      const revocations = stack.stats().revocations
      await page.click('mcp-server-card button:text-is("Disconnect")')
      expect(await text(page.locator('mcp-server-card [part~="container"]'))).toContain(
        'Disconnect and revoke access?',
      )
      await snap(page, 'disconnect-confirm')
      expect(stack.stats().revocations).toBe(revocations)
      await page.click('mcp-server-card button[part~="danger"]')
      // Signed out here at once; the revocation report follows the answers of the AS.
      await expect.poll(() => authorizeStatus(page)).toBe('disconnected')
      await expect.poll(() => stack.stats().revocations).toBeGreaterThan(revocations)
      // oidc-provider revokes the refresh token but not JWT access tokens: the card says so.
      await expect
        .poll(() => text(page.locator('mcp-server-card [part~="container"]')))
        .toMatch(
          /Signed out here\. This server does not support revoking access; it ends in \d+ min\./,
        )
      await snap(page, 'disconnected')
    })
  })
})

/**
 * The policy the README recommends, with nothing inline allowed. `connect-src` names the demo
 * stack's origins (the MCP servers and the authorization server), as an app's policy names the
 * servers it talks to; styles and scripts stay `'self'` only.
 */
const strictPolicy = (origins: string[]) =>
  `default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self' ${origins.join(' ')}`

/** Serves every page and module of the test app with the strict policy header. */
const strictCsp = (policy: () => string): Plugin => ({
  name: 'strict-csp',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      res.setHeader('Content-Security-Policy', policy())
      // An app has an icon; a 404 for it would be noise among the console errors.
      if (req.url === '/favicon.ico') res.writeHead(204).end()
      else next()
    })
  },
})

describe('under a strict Content-Security-Policy', () => {
  let origin = ''
  let close = async () => {}
  let STRICT_CSP = ''

  beforeAll(async () => {
    const origins = [stack.issuer, ...Object.values(stack.servers)].map(
      (url) => new URL(url).origin,
    )
    STRICT_CSP = strictPolicy([...new Set(origins)])
    // Built as an app ships (no dev client, no inline code), then served with the header.
    const root = fileURLToPath(new URL('./app', import.meta.url))
    const outDir = `${artifacts}strict-build`
    await build({
      root,
      configFile: false,
      logLevel: 'error',
      build: {
        outDir,
        emptyOutDir: true,
        modulePreload: false,
        rolldownOptions: {
          input: { app: `${root}/elements-csp.html`, callback: `${root}/callback.html` },
        },
      },
    })
    const server = await preview({
      root,
      configFile: false,
      logLevel: 'error',
      plugins: [strictCsp(() => STRICT_CSP)],
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    })
    const address = server.httpServer.address()
    if (!address || typeof address === 'string') throw new Error('CSP test page did not start')
    origin = `http://127.0.0.1:${address.port}`
    close = () => server.close()
  })
  afterAll(() => close())

  /**
   * Opens the strict page. Every page of the context (the popup and the callback page too)
   * reports CSP violations, console errors and page errors into `problems`.
   */
  async function strictPage(
    run: (page: Page, context: BrowserContext, problems: string[]) => Promise<void>,
    options: { colorScheme?: 'light' | 'dark'; query?: string; clock?: boolean } = {},
  ) {
    const context = await browser.newContext({
      viewport: { width: 640, height: 900 },
      colorScheme: options.colorScheme ?? 'light',
    })
    const problems: string[] = []
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`)
      })
    })
    // The app's pages (not the authorization server's). The one expected console error is
    // the browser's own line for the probe's 401 from an MCP server that wants a token.
    const probed = new Set(Object.values(stack.servers))
    const watch = (page: Page) => {
      page.on('console', (m) => {
        if (m.type() !== 'error' || !page.url().startsWith(origin)) return
        if (probed.has(m.location().url) && m.text().includes('status of 401')) return
        problems.push(`${m.location().url}: ${m.text()}`)
      })
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`))
    }
    context.on('page', watch)
    try {
      if (options.clock) await context.clock.install()
      const page = await context.newPage()
      const response = await page.goto(
        `${origin}/elements-csp.html?server=${encodeURIComponent(stack.servers.oauth)}${options.query ?? ''}`,
      )
      expect(response?.headers()['content-security-policy']).toBe(STRICT_CSP)
      await run(page, context, problems)
      expect(problems).toEqual([])
    } finally {
      await context.close()
    }
  }

  /** Computed styles inside a shadow root: proof that the stylesheet applied. */
  const styleOf = (page: Page, host: string, selector: string, properties: string[]) =>
    page.evaluate(
      ([host, selector, properties]) => {
        const node = document.querySelector(host)?.shadowRoot?.querySelector(selector)
        if (!node) return null
        const style = getComputedStyle(node)
        return Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]))
      },
      [host, selector, properties] as const,
    )

  const statusOf = (page: Page, id: string) => page.getAttribute(`#${id}`, 'status')

  test.each(['light', 'dark'] as const)(
    '%s: styled through the adopted stylesheet, no violation, callback included',
    async (colorScheme) => {
      await strictPage(
        async (page, context, problems) => {
          // The first discovery against a cold demo stack can take a few seconds.
          await expect
            .poll(() => statusOf(page, 'authorize'), { timeout: 20_000 })
            .toBe('needs-authorization')
          await expect.poll(() => statusOf(page, 'card')).toBe('needs-authorization')
          const dark = colorScheme === 'dark'
          expect(
            await styleOf(page, '#authorize', '[part~="container"]', [
              'background-color',
              'border-radius',
              'padding-top',
              'display',
            ]),
          ).toEqual({
            'background-color': dark ? 'rgb(17, 24, 39)' : 'rgb(255, 255, 255)',
            'border-radius': '12px',
            'padding-top': '16px',
            display: 'grid',
          })
          expect(
            await styleOf(page, '#authorize', 'button[part~="primary"]', [
              'background-color',
              'font-weight',
            ]),
          ).toEqual({
            'background-color': dark ? 'rgb(129, 140, 248)' : 'rgb(79, 70, 229)',
            'font-weight': '600',
          })
          expect(
            await styleOf(page, '#card', '[part~="pill"]', ['border-radius', 'color']),
          ).toEqual({
            'border-radius': '999px',
            color: dark ? 'rgb(129, 140, 248)' : 'rgb(79, 70, 229)',
          })
          // The card's live region is read out, not shown.
          expect(await styleOf(page, '#card', '[role="status"]', ['width'])).toEqual({
            width: '1px',
          })
          const shared = await page.evaluate(() => {
            const roots = [...document.querySelectorAll('mcp-authorize, mcp-server-card')].map(
              (el) => el.shadowRoot!,
            )
            return {
              styles: roots.reduce((n, root) => n + root.querySelectorAll('style').length, 0),
              sheets: new Set(roots.flatMap((root) => root.adoptedStyleSheets)).size,
            }
          })
          expect(shared).toEqual({ styles: 0, sheets: 1 })
          await page.locator('main').screenshot({
            path: `${artifacts}csp-${colorScheme}-needs-authorization.png`,
          })
          expect((await axeViolations(page, { strict: true })).join('\n')).toBe('')

          await authorizeWithClick(page, context)
          await expect.poll(() => statusOf(page, 'card')).toBe('authorized')
          await expect.poll(() => pill(page)).toBe('Authorized · expires in 5 min')
          expect(await styleOf(page, '#card', '[part~="pill"]', ['color'])).toEqual({
            color: dark ? 'rgb(52, 211, 153)' : 'rgb(4, 120, 87)',
          })
          // The flow timeline: its own adopted sheet, and timing bars sized through the CSSOM,
          // which the policy allows (a `style` attribute would be refused).
          await expect
            .poll(() => page.locator('#timeline [part~="step"]:text-is("Token")').count())
            .toBe(1)
          expect(
            await styleOf(page, '#timeline', '[part~="log"]', ['max-height', 'overflow-y']),
          ).toEqual({ 'max-height': '420px', 'overflow-y': 'auto' })
          const timeline = await page.evaluate(() => {
            const root = document.querySelector('#timeline')!.shadowRoot!
            const bar = root.querySelector<HTMLElement>('[part~="bar-fill"]')!
            return {
              styles: root.querySelectorAll('style').length,
              sheets: root.adoptedStyleSheets.length,
              bar: bar.getBoundingClientRect().width > 2,
            }
          })
          expect(timeline).toEqual({ styles: 0, sheets: 1, bar: true })
          await page.locator('main').screenshot({
            path: `${artifacts}csp-${colorScheme}-authorized.png`,
          })
          await page.click('#card button:text-is("Disconnect")')
          await page.locator('main').screenshot({
            path: `${artifacts}csp-${colorScheme}-disconnect-confirm.png`,
          })
          expect(problems).toEqual([])
        },
        { colorScheme },
      )
    },
  )

  test('focus stays on each card button while the countdown ticks; one text node changes', async () => {
    await strictPage(
      async (page, context) => {
        await expect
          .poll(() => statusOf(page, 'authorize'), { timeout: 20_000 })
          .toBe('needs-authorization')
        await authorizeWithClick(page, context)
        await expect.poll(() => pill(page)).toBe('Authorized · expires in 5 min')
        for (const [label, minute] of [
          ['Re-authorize', '4 min'],
          ['Disconnect', '3 min'],
        ] as const) {
          await page.locator(`#card button:text-is("${label}")`).focus()
          await page.evaluate(() => {
            const root = document.querySelector('#card')!.shadowRoot!
            const w = window as unknown as { pillText: Node | null; changed: string[] }
            w.pillText = root.querySelector('[part~="pill"]')!.firstChild
            w.changed = []
            new MutationObserver((records) => {
              for (const r of records) w.changed.push(`${r.type} ${r.target.nodeName}`)
            }).observe(root, {
              subtree: true,
              childList: true,
              attributes: true,
              characterData: true,
            })
          })
          await context.clock.fastForward('01:00')
          await expect.poll(() => pill(page)).toBe(`Authorized · expires in ${minute}`)
          const after = await page.evaluate(() => {
            const card = document.querySelector('#card')!
            const root = card.shadowRoot!
            const w = window as unknown as { pillText: Node | null; changed: string[] }
            return {
              host: document.activeElement === card,
              focused: root.activeElement?.textContent,
              sameTextNode: root.querySelector('[part~="pill"]')!.firstChild === w.pillText,
              changed: [...new Set(w.changed)],
            }
          })
          expect(after).toEqual({
            host: true,
            focused: label,
            sameTextNode: true,
            changed: ['characterData #text'],
          })
        }
      },
      { clock: true },
    )
  })

  test('mcp-authorized after the authorization; after a reload, mcp-restored only', async () => {
    await strictPage(async (page, context) => {
      await context.addInitScript(() => {
        const seen: string[] = []
        Object.assign(window, { seen })
        for (const type of ['mcp-authorized', 'mcp-restored']) {
          document.addEventListener(type, (e) => seen.push(`${type} ${(e.target as Element).id}`))
        }
      })
      await page.reload()
      const seen = () => page.evaluate(() => (window as unknown as { seen: string[] }).seen)
      await expect
        .poll(() => statusOf(page, 'authorize'), { timeout: 20_000 })
        .toBe('needs-authorization')
      await authorizeWithClick(page, context)
      await expect.poll(() => statusOf(page, 'card')).toBe('authorized')
      expect((await seen()).sort()).toEqual(['mcp-authorized authorize', 'mcp-authorized card'])
      await page.reload()
      await expect.poll(() => statusOf(page, 'card')).toBe('authorized')
      await expect.poll(() => statusOf(page, 'authorize')).toBe('authorized')
      expect((await seen()).sort()).toEqual(['mcp-restored authorize', 'mcp-restored card'])
    })
  })

  test('a card bound to a text input probes once, after typing; an invalid URL never', async () => {
    await strictPage(async (page) => {
      await expect.poll(() => statusOf(page, 'authorize')).toBe('needs-authorization')
      const probes: string[] = []
      page.on('request', (request) => {
        if (request.method() === 'POST') probes.push(request.url())
      })
      await page.locator('#url').pressSequentially('http://example.com/mcp', { delay: 30 })
      await page.waitForTimeout(1000)
      expect(await page.getAttribute('#typed', 'status')).toBeNull()
      await page.locator('#url').fill('')
      // Another server than the other two elements show, so its probe is this card's own.
      await page.locator('#url').pressSequentially(stack.servers.stepUp, { delay: 30 })
      await expect.poll(() => page.getAttribute('#typed', 'status')).toBe('needs-authorization')
      expect(probes).toEqual([stack.servers.stepUp])
    })
  })
})
