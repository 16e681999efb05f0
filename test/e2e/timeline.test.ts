import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CorsEndpoint } from '../../playground/stack/index.mjs'
import { signInAndConsent, startWorld } from './support.js'

const artifacts = fileURLToPath(new URL('./artifacts/timeline/', import.meta.url))
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

let world: Awaited<ReturnType<typeof startWorld>>

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  world = await startWorld()
})

afterAll(() => world?.close())

/** Every secret value that went over the wire: codes, verifiers, state, tokens. */
function recordSecrets(context: BrowserContext): Set<string> {
  const secrets = new Set<string>()
  const fromUrl = (url: string) => {
    const params = new URL(url).searchParams
    for (const name of ['code', 'state', 'code_challenge']) {
      const value = params.get(name)
      if (value) secrets.add(value)
    }
  }
  context.on('request', (request) => {
    if (request.isNavigationRequest()) fromUrl(request.url())
    const body = request.postData()
    if (request.method() === 'POST' && body && !body.startsWith('{')) {
      const form = new URLSearchParams(body)
      for (const name of ['code', 'code_verifier', 'refresh_token', 'token', 'client_secret']) {
        const value = form.get(name)
        if (value) secrets.add(value)
      }
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers().authorization ?? '')?.[1]
    if (bearer) secrets.add(bearer)
  })
  context.on('response', async (response) => {
    if (!response.url().endsWith('/token') || response.status() !== 200) return
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    for (const name of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof body[name] === 'string') secrets.add(body[name])
    }
  })
  return secrets
}

/**
 * A fresh profile on the timeline page. Chromium logs a cross-origin request that answered
 * with an error status ("Failed to load resource": the probe's 401, the SSE stream's 405, the
 * revocation's 400) and, with `cors`, the requests it refused; anything else fails the test.
 */
async function withTimeline(
  servers: string[],
  run: (page: Page, context: BrowserContext) => Promise<void>,
  options: { colorScheme?: 'light' | 'dark'; cors?: boolean } = {},
) {
  const context = await world.browser.newContext({
    viewport: { width: 1100, height: 1000 },
    colorScheme: options.colorScheme ?? 'light',
  })
  const problems: string[] = []
  const origin = world.testPage.origin
  context.on('page', (page) => {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return
      const text = message.text()
      const source = message.location().url
      // The test page's dev server has no HMR socket and no favicon.
      if (source === `${origin}/@vite/client` || source === `${origin}/favicon.ico`) return
      if (options.cors && /has been blocked by CORS policy/.test(text)) return
      const crossOrigin = source !== '' && new URL(source).origin !== origin
      if (text.startsWith('Failed to load resource') && crossOrigin) return
      problems.push(`console ${message.type()} at ${source}: ${text}`)
    })
  })
  try {
    const page = await context.newPage()
    const query = servers.map((url) => `server=${encodeURIComponent(url)}`).join('&')
    await page.goto(`${origin}/timeline.html?${query}`)
    await run(page, context)
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

const rows = (page: Page) => page.locator('mcp-flow-timeline li[part~="row"]')
const steps = (page: Page) => page.locator('mcp-flow-timeline [part~="step"]').allTextContents()
const status = (page: Page) => page.getAttribute('#authorize', 'status')
const row = (page: Page, step: string, detail?: RegExp) =>
  rows(page).filter({
    has: page.locator(`[part~="step"]:text-is("${step}")`),
    ...(detail ? { hasText: detail } : {}),
  })

/** axe over the page, shadow roots included: every rule, contrast too. */
async function axeViolations(page: Page): Promise<string> {
  await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: {
        run: (
          context: Document,
        ) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>
      }
    }
    const result = await axe.run(document)
    return result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`)
  })
  return violations.join('\n')
}

async function authorize(page: Page, context: BrowserContext) {
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.click('#authorize button:text-is("Authorize")'),
  ])
  await signInAndConsent(popup).catch((error: unknown) => {
    if (!popup.isClosed()) throw error
  })
}

/** What the timeline holds and shows: its events, both exports and its shadow DOM's text. */
const everything = (page: Page) =>
  page.evaluate(() => {
    const timeline = document.querySelector('mcp-flow-timeline')!
    return [
      JSON.stringify(timeline.events),
      timeline.toJSON(),
      timeline.toText(),
      timeline.shadowRoot!.innerHTML,
    ].join('\n')
  })

describe('<mcp-flow-timeline> in Chromium', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${colorScheme}: a full flow, step by step, with no secret anywhere in it`, async () => {
      await withTimeline(
        [world.stack.servers.oauth],
        async (page, context) => {
          const secrets = recordSecrets(context)
          await expect.poll(() => status(page), { timeout: 20_000 }).toBe('needs-authorization')
          await authorize(page, context)
          await expect.poll(() => status(page)).toBe('authorized')
          await page.click('#list-tools')
          await expect.poll(() => page.textContent('#result')).toBe('HTTP 200')
          await page.click('#card button:text-is("Disconnect")')
          await page.click('#card button[data-key="confirm-disconnect"]')
          await expect.poll(() => row(page, 'Revocation').count()).toBe(1)

          expect(await steps(page)).toEqual(
            expect.arrayContaining([
              'Probe',
              'Challenge',
              'Resource metadata',
              'AS metadata',
              'Registration',
              'Authorization',
              'Token',
              'MCP',
              'Revocation',
              'Status',
            ]),
          )
          // The MCP row names the JSON-RPC method, never its parameters.
          expect(await row(page, 'MCP').locator('[part~="detail"]').allTextContents()).toEqual([
            'POST tools/list',
          ])
          // oidc-provider does not revoke JWT access tokens (400 unsupported_token_type):
          // explained, not a failure.
          const revocation = row(page, 'Revocation')
          expect(await revocation.getAttribute('part')).toBe('row explained')
          expect(await revocation.locator('[part~="result"]').textContent()).toMatch(/^400 · /)
          expect(await revocation.locator('[part~="note"]').textContent()).toContain(
            'does not revoke this kind of access token',
          )
          expect(await rows(page).and(page.locator('[part~="failed"]')).count()).toBe(0)
          // One status row per change that a step row does not already say, none twice.
          const statuses = await row(page, 'Status').locator('[part~="detail"]').allTextContents()
          expect(statuses).toEqual([
            'probing → needs-authorization',
            'authorizing → authorized',
            'authorized → disconnected',
          ])

          expect(secrets.size).toBeGreaterThan(5)
          const shown = await everything(page)
          for (const secret of secrets) expect(shown).not.toContain(secret)

          await page.locator('mcp-flow-timeline').screenshot({
            path: `${artifacts}full-flow-${colorScheme}.png`,
          })
          expect(await axeViolations(page)).toBe('')
        },
        { colorScheme },
      )
    })
  }

  test('the list scrolls by keyboard: Tab reaches it, Home and Page Down move it', async () => {
    await withTimeline([world.stack.servers.oauth, world.stack.servers.open], async (page) => {
      await expect.poll(() => status(page), { timeout: 20_000 }).toBe('needs-authorization')
      await expect.poll(() => row(page, 'Status', /open/).count()).toBe(1)
      const logFocused = () =>
        page.evaluate(
          () =>
            document.activeElement?.localName === 'mcp-flow-timeline' &&
            document.activeElement.shadowRoot?.activeElement?.getAttribute('part') === 'log',
        )
      let presses = 0
      while (!(await logFocused()) && presses < 40) {
        await page.keyboard.press('Tab')
        presses++
      }
      expect(await logFocused()).toBe(true)
      // Narrow the list so that it has to scroll, then move through it with the keyboard.
      await page.evaluate(() =>
        document
          .querySelector<HTMLElement>('mcp-flow-timeline')!
          .style.setProperty('--mcp-timeline-height', '120px'),
      )
      const scrollTop = () =>
        page.evaluate(
          () =>
            document.querySelector('mcp-flow-timeline')!.shadowRoot!.querySelector('[part~="log"]')!
              .scrollTop,
        )
      await page.keyboard.press('Home')
      await expect.poll(scrollTop).toBe(0)
      await page.keyboard.press('PageDown')
      await expect.poll(scrollTop).toBeGreaterThan(0)
      // Both servers, side by side.
      const names = await page.locator('mcp-flow-timeline [part~="server-name"]').allTextContents()
      expect(names.sort()).toEqual(
        [world.stack.servers.oauth, world.stack.servers.open]
          .map((url) => `${new URL(url).host}/mcp`)
          .sort(),
      )
      const boxes = await page
        .locator('mcp-flow-timeline [part~="server"]')
        .evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().top))
      expect(boxes[0]).toBe(boxes[1])
    })
  })

  test('a CORS block: the failed step says so in words, the headers in Details', async () => {
    const endpoint: CorsEndpoint = 'resource-metadata'
    world.stack.setCors(endpoint, false)
    try {
      await withTimeline(
        [world.stack.servers.oauth],
        async (page) => {
          await expect.poll(() => status(page), { timeout: 20_000 }).toBe('error')
          const failed = rows(page).and(page.locator('[part~="failed"]'))
          await expect.poll(() => failed.count()).toBe(1)
          expect(await failed.locator('[part~="step"]').textContent()).toBe('Resource metadata')
          expect(await failed.locator('[part~="error"]').textContent()).toBe(
            'This server does not allow browser apps to connect (CORS).',
          )
          await failed.locator('[part~="error-details"] summary').click()
          const detail = await failed.locator('[part~="error-details"] pre').textContent()
          expect(detail).toMatch(/^cors_blocked: The resource metadata request to http:\/\//)
          expect(detail).toContain('Access-Control-Allow-Origin')
          expect(detail).toContain('step: resource metadata')
          // The error is told once: the status change that follows has no row of its own.
          expect(await row(page, 'Status', /error/).count()).toBe(0)
          await page.locator('mcp-flow-timeline').screenshot({ path: `${artifacts}cors.png` })
          expect(await axeViolations(page)).toBe('')
        },
        { cors: true },
      )
    } finally {
      world.stack.setCors(endpoint, true)
    }
  })

  test('a step-up: the 403, its challenge, the scopes asked for, the second authorization', async () => {
    await withTimeline([world.stack.servers.stepUp], async (page, context) => {
      await expect.poll(() => status(page), { timeout: 20_000 }).toBe('needs-authorization')
      await authorize(page, context)
      await expect.poll(() => status(page)).toBe('authorized')
      await page.click('#call-admin')
      await expect.poll(() => status(page)).toBe('needs-step-up')
      await expect.poll(() => row(page, 'Step-up').count()).toBe(1)
      expect(await row(page, 'Step-up').locator('[part~="detail"]').textContent()).toBe('mcp:admin')
      const refused = row(page, 'MCP', /tools\/call/)
      expect(await refused.locator('[part~="result"]').textContent()).toMatch(/^403 · /)
      expect(await row(page, 'Challenge', /insufficient_scope/).count()).toBe(1)
      await authorize(page, context)
      await expect.poll(() => status(page)).toBe('authorized')
      await page.click('#call-admin')
      await expect.poll(() => page.textContent('#result')).toBe('HTTP 200')
      await expect.poll(() => row(page, 'Token').count()).toBe(2)
      const granted = await row(page, 'Token').locator('[part~="detail"]').allTextContents()
      expect(granted[1]).toContain('mcp:admin')
      // The tool's arguments never reach the timeline.
      expect(await everything(page)).not.toContain('do-not-log-me')
      await page.locator('mcp-flow-timeline').screenshot({ path: `${artifacts}step-up.png` })
    })
  })
})
