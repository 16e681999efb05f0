import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { signInAndConsent, startWorld } from './support.js'

let world: Awaited<ReturnType<typeof startWorld>>

beforeAll(async () => {
  world = await startWorld()
})

afterAll(() => world?.close())

const status = (page: Page) => page.textContent('#status')
const expires = (page: Page) => page.textContent('#expires')
const result = (page: Page) => page.textContent('#result')
const calls = async (page: Page) => {
  const [ok = 0, failed = 0] = ((await page.textContent('#calls')) ?? '').split(' ').map(Number)
  return { ok, failed }
}
/** The statuses a page showed since it was first authorized. */
const since = async (page: Page, from: string) => {
  const history = await page.$$eval('#history li', (items) => items.map((i) => i.textContent))
  return history.slice(history.indexOf(from))
}

/**
 * A fresh profile whose pages record every message on the session channel, and every value
 * of the flow that must never cross between tabs (code, state, verifier, tokens).
 */
async function withTabs(run: (context: BrowserContext, secrets: Set<string>) => Promise<void>) {
  const context = await world.browser.newContext()
  const secrets = new Set<string>()
  context.on('request', (request) => {
    const url = new URL(request.url())
    for (const name of ['code', 'state']) {
      const value = url.searchParams.get(name)
      if (value) secrets.add(value)
    }
    const body = new URLSearchParams(request.postData() ?? '')
    for (const name of ['code', 'code_verifier', 'refresh_token', 'client_secret']) {
      const value = body.get(name)
      if (value) secrets.add(value)
    }
    const bearer = request.headers().authorization?.replace(/^(Bearer|DPoP) /, '')
    if (bearer) secrets.add(bearer)
  })
  context.on('response', async (response) => {
    if (!response.url().endsWith('/token')) return
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    for (const name of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof body[name] === 'string') secrets.add(body[name])
    }
  })
  await context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { channelMessages: string[] }).channelMessages = seen
    new BroadcastChannel('mcp-oauth:tokens').onmessage = (event) => {
      seen.push(JSON.stringify(event.data))
    }
  })
  try {
    await run(context, secrets)
    const messages: string[] = []
    for (const page of context.pages()) {
      if (!page.url().startsWith(world.testPage.origin)) continue
      messages.push(
        ...(await page.evaluate(
          () => (window as unknown as { channelMessages: string[] }).channelMessages,
        )),
      )
    }
    expect(messages.length).toBeGreaterThan(0)
    expect(secrets.size).toBeGreaterThan(0)
    for (const message of messages) {
      expect(Object.keys(JSON.parse(message)).sort()).toEqual([
        'change',
        'generation',
        'resource',
        'revision',
      ])
      for (const secret of secrets) expect(message).not.toContain(secret)
    }
  } finally {
    await context.close()
  }
}

async function openApp(context: BrowserContext, server: string, query = ''): Promise<Page> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  // Expected: the dev server's own client failing to open its reload socket, a missing
  // favicon, the browser's line for an MCP server's 401 to a request without a token, the
  // 404 of the root resource metadata URL (a tab that re-authorizes a restored session has no
  // challenge to read, so both well-known URLs go out at once, RFC 9728 §3.1, and this server
  // publishes only the path-aware one), and the demo AS's 400 to one of a disconnect's
  // revocation requests (reported, not fatal).
  const rootMetadata = `${new URL(server).origin}/.well-known/oauth-protected-resource`
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const from = message.location().url
    if (from.includes('/@vite/client') || from.endsWith('/favicon.ico')) return
    if (from.startsWith(server) && message.text().includes('status of 401')) return
    if (from === rootMetadata && message.text().includes('status of 404')) return
    if (from.endsWith('/token/revocation') && message.text().includes('status of 400')) return
    errors.push(`${from}: ${message.text()}`)
  })
  pageErrors.set(page, errors)
  await page.goto(
    `${world.testPage.origin}/index.html?server=${encodeURIComponent(server)}${query}`,
  )
  await expect.poll(() => status(page)).not.toMatch(/^(unknown|probing)$/)
  return page
}

const pageErrors = new Map<Page, string[]>()

async function authorize(context: BrowserContext, page: Page): Promise<void> {
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#authorize')])
  await signInAndConsent(popup)
  await expect.poll(() => status(page)).toBe('authorized')
}

/** The bearer of each request a page sends to the MCP server (`none` when it has none). */
async function bearers(page: Page, server: string): Promise<string[]> {
  const seen: string[] = []
  await page.route(
    (url) => url.href.startsWith(server),
    async (route) => {
      seen.push(route.request().headers().authorization ?? 'none')
      await route.continue()
    },
  )
  return seen
}

describe('tabs of one origin stay in step', () => {
  test('authorize in A shows in B with the same expiry; disconnect in B leaves A without a bearer', async () => {
    await withTabs(async (context) => {
      const server = world.stack.servers.oauth
      const a = await openApp(context, server)
      const b = await openApp(context, server)
      expect(await status(b)).toBe('needs-authorization')
      await authorize(context, a)
      await expect.poll(() => status(b)).toBe('authorized')
      expect(await expires(a)).toMatch(/^\d+$/)
      expect(await expires(b)).toBe(await expires(a))
      const sentByA = await bearers(a, server)
      await b.click('#disconnect')
      await expect.poll(() => status(b)).toBe('disconnected')
      await expect.poll(() => status(a)).toBe('disconnected')
      expect(await expires(a)).toBe('')
      await a.click('#list-tools')
      await expect.poll(() => result(a)).toMatch(/^failed/)
      expect(sentByA.length).toBeGreaterThan(0)
      expect(sentByA.filter((header) => header !== 'none')).toEqual([])
      for (const page of [a, b]) expect(pageErrors.get(page)).toEqual([])
    })
  })

  test('a refresh in A reaches B, which uses the new token without a refresh of its own', async () => {
    await withTabs(async (context) => {
      const server = world.stack.servers.oauth
      // A counts every token as expiring a second after it was issued; B does not.
      const a = await openApp(context, server, '&skew=299')
      await authorize(context, a)
      const b = await openApp(context, server, '&skew=0')
      expect(await status(b)).toBe('authorized')
      const issued = await expires(b)
      const grants = world.stack.stats().grants.refresh_token
      const sentByA = await bearers(a, server)
      const sentByB = await bearers(b, server)
      await a.waitForTimeout(1200)
      await a.click('#list-tools')
      await expect.poll(() => result(a)).toMatch(/^ok .*echo/)
      expect(world.stack.stats().grants.refresh_token).toBe(grants + 1)
      const refreshed = await expires(a)
      expect(refreshed).not.toBe(issued)
      await expect.poll(() => expires(b)).toBe(refreshed)
      await b.click('#list-tools')
      await expect.poll(() => result(b)).toMatch(/^ok .*echo/)
      expect(world.stack.stats().grants.refresh_token).toBe(grants + 1)
      // B sends the very token A's refresh obtained.
      const refreshedToken = sentByA.at(-1)
      expect(refreshedToken).toMatch(/^Bearer /)
      expect(sentByB.length).toBeGreaterThan(0)
      expect(new Set(sentByB)).toEqual(new Set([refreshedToken]))
      for (const page of [a, b]) expect(pageErrors.get(page)).toEqual([])
    })
  })

  /**
   * A calls in a loop until `during` is done and A made more calls after it; then every call of
   * A carried a token and succeeded, and A never showed needs-authorization.
   */
  async function callingThrough(a: Page, server: string, during: () => Promise<void>) {
    const sentByA = await bearers(a, server)
    await a.click('#call-loop')
    await expect.poll(async () => (await calls(a)).ok).toBeGreaterThan(3)
    await during()
    const done = (await calls(a)).ok
    await expect.poll(async () => (await calls(a)).ok).toBeGreaterThan(done + 6)
    await a.click('#stop-loop')
    await expect.poll(() => result(a)).not.toBe('working')
    expect(await a.textContent('#call-log')).toBe('')
    expect((await calls(a)).failed).toBe(0)
    expect(sentByA.length).toBeGreaterThan(10)
    expect(sentByA.filter((header) => !header.startsWith('Bearer '))).toEqual([])
    expect(await since(a, 'authorized')).not.toContain('needs-authorization')
    expect(await status(a)).toBe('authorized')
  }

  test('B re-authorizes while A calls in a loop: every call of A carries a token and succeeds', async () => {
    await withTabs(async (context) => {
      const server = world.stack.servers.oauth
      const a = await openApp(context, server)
      await authorize(context, a)
      const b = await openApp(context, server)
      expect(await status(b)).toBe('authorized')
      await callingThrough(a, server, async () => {
        const before = await expires(b)
        const [popup] = await Promise.all([context.waitForEvent('page'), b.click('#authorize')])
        await signInAndConsent(popup)
        await expect.poll(() => expires(b)).not.toBe(before)
        // A moves to B's new tokens.
        await expect.poll(() => expires(a)).toBe(await expires(b))
      })
      for (const page of [a, b]) expect(pageErrors.get(page)).toEqual([])
    })
  })

  test('a third same-origin page posts forged "newer generation" messages while A calls in a loop: A is not stranded', async () => {
    await withTabs(async (context) => {
      const server = world.stack.servers.oauth
      const a = await openApp(context, server)
      await authorize(context, a)
      const forger = await context.newPage()
      await forger.goto(`${world.testPage.origin}/forge.html`)
      await callingThrough(a, server, async () => {
        await forger.evaluate((resource) => {
          const channel = new BroadcastChannel('mcp-oauth:tokens')
          for (let i = 0; i < 50; i++) {
            channel.postMessage({
              resource,
              change: 'tokens',
              generation: 1_000_000 + i,
              revision: `forged-${i}`,
            })
          }
        }, server)
      })
      expect(pageErrors.get(a)).toEqual([])
    })
  })
})
