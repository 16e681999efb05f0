import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
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

/** axe-core over the page, shadow roots included. */
async function axeViolations(page: Page) {
  await page.addScriptTag({ path: axePath })
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
      await expect.poll(() => authorizeStatus(page)).toBe('disconnected')
      expect(stack.stats().revocations).toBeGreaterThan(revocations)
      await snap(page, 'disconnected')
    })
  })
})
