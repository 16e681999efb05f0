import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Stack, startStack } from '../../playground/stack/index.mjs'
import { signInAndConsent, startWorld } from './support.js'

let world: Awaited<ReturnType<typeof startWorld>>
let testPage: typeof world.testPage
let stack: Stack
let browser: Browser

beforeAll(async () => {
  world = await startWorld()
  ;({ testPage, stack, browser } = world)
})

afterAll(() => world?.close())

/** A fresh profile per test: its own IndexedDB, cookies and popups. */
async function withContext(run: (context: BrowserContext) => Promise<void>) {
  const context = await browser.newContext()
  try {
    await run(context)
  } finally {
    await context.close()
  }
}

async function openApp(context: BrowserContext, server: string, query = ''): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${testPage.origin}/index.html?server=${encodeURIComponent(server)}${query}`)
  await expect.poll(() => status(page)).not.toMatch(/^(unknown|probing)$/)
  return page
}

const status = (page: Page) => page.textContent('#status')
const errorCode = (page: Page) => page.textContent('#error')
const popupState = (page: Page) => page.textContent('#popup')
const result = (page: Page) => page.textContent('#result')
const history = async (page: Page) =>
  (await page.locator('#history li').allTextContents()).join(' ')

/** Clicks a button and waits for its action to finish. */
async function run(page: Page, button: string): Promise<string> {
  await page.click(button)
  await expect.poll(() => result(page)).not.toBe('working')
  return (await result(page)) ?? ''
}

/** Clicks Authorize and returns the popup the click opened. */
async function clickAuthorize(context: BrowserContext, page: Page): Promise<Page> {
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#authorize')])
  return popup
}

async function authorizeInPopup(context: BrowserContext, page: Page): Promise<void> {
  const popup = await clickAuthorize(context, page)
  await signInAndConsent(popup)
  await expect.poll(() => status(page)).toBe('authorized')
}

/** Every record the core keeps in this origin's IndexedDB. */
function storedRecords(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const open = indexedDB.open('mcp-oauth')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('records')) return resolve({})
          const store = db.transaction('records').objectStore('records')
          const keys = store.getAllKeys()
          const values = store.getAll()
          store.transaction.oncomplete = () => {
            db.close()
            resolve(
              Object.fromEntries(keys.result.map((key, i) => [String(key), values.result[i]])),
            )
          }
        }
      }),
  )
}

async function storedTokens(page: Page, server: string) {
  const records = await storedRecords(page)
  return records[`tokens:${server}`] as { accessToken: string; refreshToken?: string } | undefined
}

describe('authorization in Chromium', () => {
  test('popup flow: sign in and allow → authorized; tools/list works; no token in the DOM', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.oauth)
      expect(await status(app)).toBe('needs-authorization')
      const popup = await clickAuthorize(context, app)
      await signInAndConsent(popup)
      await expect.poll(() => status(app)).toBe('authorized')
      await expect.poll(() => popup.isClosed()).toBe(true)
      expect(await run(app, '#list-tools')).toMatch(/^ok .*echo/)
      const tokens = await storedTokens(app, stack.servers.oauth)
      expect(tokens?.accessToken).toBeTruthy()
      const html = await app.content()
      expect(html).not.toContain(tokens!.accessToken)
      if (tokens?.refreshToken) expect(html).not.toContain(tokens.refreshToken)
    })
  })

  test('a blocked popup falls back to a full-page redirect and returns to the page', async () => {
    await withContext(async (context) => {
      await context.addInitScript(() => {
        window.open = () => null
      })
      const app = await openApp(context, stack.servers.oauth, '&from=here')
      await app.click('#authorize')
      await app.waitForURL((url) => url.origin !== testPage.origin)
      await signInAndConsent(app)
      await app.waitForURL((url) => url.pathname === '/index.html')
      expect(new URL(app.url()).searchParams.get('from')).toBe('here')
      await expect.poll(() => status(app)).toBe('authorized')
      expect(await run(app, '#list-tools')).toMatch(/^ok .*echo/)
    })
  })

  test('COOP on the authorization server: the flow completes and is never reported cancelled', async () => {
    stack.setCoop(true)
    try {
      await withContext(async (context) => {
        const app = await openApp(context, stack.servers.oauth, '&grace=120000')
        const popup = await clickAuthorize(context, app)
        await popup.waitForSelector('input[name="login"]')
        // The policy took effect: the AS page cannot reach the app's window.
        expect(await popup.evaluate(() => window.opener === null)).toBe(true)
        // Longer than the driver's closed-popup polling: the cut opener link must not cancel.
        await popup.waitForTimeout(1500)
        expect(await status(app)).toBe('authorizing')
        // The cut link reads as a closed window; the flow still completes below.
        expect(await popupState(app)).toBe('closed')
        await signInAndConsent(popup)
        await expect.poll(() => status(app)).toBe('authorized')
        expect(await history(app)).not.toContain('cancelled')
      })
    } finally {
      stack.setCoop(false)
    }
  })

  test('persistence: a reload and a second tab stay authorized without a new flow', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.oauth)
      await authorizeInPopup(context, app)
      const codeGrants = stack.stats().grants.authorization_code
      await app.reload()
      await expect.poll(() => status(app)).toBe('authorized')
      const second = await openApp(context, stack.servers.oauth)
      expect(await status(second)).toBe('authorized')
      expect(await run(second, '#list-tools')).toMatch(/^ok .*echo/)
      expect(stack.stats().grants.authorization_code).toBe(codeGrants)
      expect(context.pages()).toHaveLength(2)
    })
  })

  test('deny at the consent page → cancelled with access_denied; authorize works afterwards', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.oauth)
      const popup = await clickAuthorize(context, app)
      await signInAndConsent(popup, 'deny')
      await expect.poll(() => status(app)).toBe('cancelled')
      expect(await errorCode(app)).toBe('access_denied')
      await authorizeInPopup(context, app)
    })
  })

  test('forged callbacks: another origin, a wrong state and a replay are never exchanged', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.oauth)
      const popup = await clickAuthorize(context, app)
      await popup.waitForSelector('input[name="login"]')
      // The flow's state, read where the app keeps it: the pending record.
      const pendingKey = Object.keys(await storedRecords(app)).find((key) =>
        key.startsWith('pending:'),
      )
      const flowState = pendingKey?.slice('pending:'.length)
      expect(flowState).toBeTruthy()
      const codeGrants = stack.stats().grants.authorization_code
      // The popup is on the AS origin: its message must be ignored even with a plausible shape.
      await popup.evaluate(
        ({ origin, s }) => {
          window.opener?.postMessage(
            {
              type: 'mcp-oauth:callback',
              state: s,
              url: `${origin}/callback.html?code=forged&state=${s}`,
            },
            '*',
          )
        },
        { origin: testPage.origin, s: flowState! },
      )
      await app.waitForTimeout(300)
      expect(await status(app)).toBe('authorizing')

      let callbackUrl = ''
      popup.on('request', (request) => {
        if (request.url().startsWith(`${testPage.origin}/callback.html?`))
          callbackUrl = request.url()
      })
      await signInAndConsent(popup)
      await expect.poll(() => status(app)).toBe('authorized')
      expect(stack.stats().grants.authorization_code).toBe(codeGrants + 1)
      expect(callbackUrl).toContain('code=')

      // The same callback URL again, in a new tab: nothing is waiting for it. The page first
      // waits a second for a window to claim the response, then says so.
      const replay = await context.newPage()
      await replay.goto(callbackUrl)
      await expect
        .poll(() => replay.textContent('#message'), { timeout: 10_000 })
        .toBe('No sign-in is waiting for this response.')
      // A callback with a state no flow issued.
      const wrong = await context.newPage()
      await wrong.goto(`${testPage.origin}/callback.html?code=abc&state=not-a-flow`)
      await expect
        .poll(() => wrong.textContent('#message'), { timeout: 10_000 })
        .toBe('No sign-in is waiting for this response.')
      expect(stack.stats().grants.authorization_code).toBe(codeGrants + 1)
      expect(await status(app)).toBe('authorized')
    })
  })

  test('a popup the user closes: reported at once, cancelled after the grace period, never before', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.oauth, '&grace=1500')
      const popup = await clickAuthorize(context, app)
      await popup.waitForSelector('input[name="login"]')
      expect(await popupState(app)).toBe('open')
      await popup.close()
      // The snapshot says so within a second, while the flow keeps listening.
      await expect.poll(() => popupState(app), { timeout: 1000 }).toBe('closed')
      expect(await status(app)).toBe('authorizing')
      await expect.poll(() => status(app), { timeout: 5000 }).toBe('cancelled')
      await authorizeInPopup(context, app)
    })
  })

  test('the callback page renders no markup from the query and runs no script from it', async () => {
    await withContext(async (context) => {
      const page = await context.newPage()
      const dialogs: string[] = []
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message())
        await dialog.dismiss()
      })
      const payload = encodeURIComponent('<img src=x onerror="alert(1)"><script>alert(2)</script>')
      await page.goto(
        `${testPage.origin}/callback.html?error=access_denied&error_description=${payload}&state=${payload}`,
      )
      // No window claims the response (a one-second wait), then the page says so.
      await expect
        .poll(() => page.textContent('#message'), { timeout: 10_000 })
        .toBe('No sign-in is waiting for this response.')
      expect(await page.locator('img, script:not([type="module"])').count()).toBe(0)
      expect(dialogs).toEqual([])
      // The response was stripped from the address bar before anything else.
      expect(new URL(page.url()).search).toBe('')
    })
  })

  test('disconnect revokes at the AS and removes the tokens from IndexedDB', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.oauth)
      await authorizeInPopup(context, app)
      expect(await storedTokens(app, stack.servers.oauth)).toBeDefined()
      const revocations = stack.stats().revocations
      expect(await run(app, '#disconnect')).toBe('ok "disconnected"')
      expect(stack.stats().revocations).toBeGreaterThan(revocations)
      expect(await storedTokens(app, stack.servers.oauth)).toBeUndefined()
    })
  })

  test('step-up: insufficient_scope → needs-step-up; authorizing again makes the call succeed', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.stepUp)
      await authorizeInPopup(context, app)
      await run(app, '#call-admin')
      await expect.poll(() => status(app)).toBe('needs-step-up')
      const popup = await clickAuthorize(context, app)
      await signInAndConsent(popup)
      await expect.poll(() => status(app)).toBe('authorized')
      expect(await run(app, '#call-admin')).toMatch(/^ok /)
    })
  })

  test('a server that hides WWW-Authenticate: discovery falls back to well-known URLs', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.hiddenChallenge)
      expect(await status(app)).toBe('needs-authorization')
      await authorizeInPopup(context, app)
      expect(await run(app, '#list-tools')).toMatch(/^ok /)
    })
  })

  test('token-only and open servers are classified and never offered OAuth', async () => {
    await withContext(async (context) => {
      const registrations = stack.stats().registrations
      const token = await openApp(context, stack.servers.token)
      expect(await status(token)).toBe('needs-token')
      const open = await openApp(context, stack.servers.open)
      expect(await status(open)).toBe('open')
      expect(await run(open, '#list-tools')).toMatch(/^ok /)
      expect(stack.stats().registrations).toBe(registrations)
    })
  })

  test('typed client ID: needs-client-id, an empty ID is refused, the pre-registered one works', async () => {
    await withContext(async (context) => {
      const app = await openApp(context, stack.servers.noRegistration)
      expect(await status(app)).toBe('needs-client-id')
      await app.fill('#client-id', '   ')
      expect(await run(app, '#submit-client-id')).toMatch(/^failed invalid_client_id/)
      await app.fill('#client-id', stack.preRegisteredClient.clientId)
      expect(await run(app, '#submit-client-id')).toBe('ok "needs-authorization"')
      await authorizeInPopup(context, app)
      expect(await run(app, '#list-tools')).toMatch(/^ok /)
    })
  })
})

describe('refresh across tabs', () => {
  let shortLived: Stack
  beforeAll(async () => {
    shortLived = await startStack({
      redirectUris: [`${testPage.origin}/callback.html`],
      accessTokenTtl: 2,
    })
  })
  afterAll(() => shortLived?.close())

  test('three tabs on an expired token: exactly one refresh grant, all three calls succeed', async () => {
    await withContext(async (context) => {
      const server = shortLived.servers.oauth
      const first = await openApp(context, server, '&skew=0')
      await authorizeInPopup(context, first)
      const tabs = [first, await openApp(context, server, '&skew=0')]
      tabs.push(await openApp(context, server, '&skew=0'))
      const before = shortLived.stats().grants.refresh_token
      await first.waitForTimeout(2500)
      await Promise.all(tabs.map((tab) => tab.click('#list-tools')))
      for (const tab of tabs) {
        await expect.poll(() => result(tab)).toMatch(/^ok .*echo/)
      }
      expect(shortLived.stats().grants.refresh_token).toBe(before + 1)
      expect(shortLived.stats().invalidGrants).toBe(0)
    })
  })

  test('disconnect during a refresh in flight sticks, in this tab and a second one, after a reload too', async () => {
    await withContext(async (context) => {
      const server = shortLived.servers.oauth
      const first = await openApp(context, server, '&skew=0')
      await authorizeInPopup(context, first)
      const second = await openApp(context, server, '&skew=0')
      expect(await status(second)).toBe('authorized')
      // Hold the refresh at the token endpoint until the disconnect has been asked for.
      let held = 0
      let release: () => void = () => {}
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      await context.route(
        (url) => url.pathname.endsWith('/token'),
        async (route) => {
          if (
            new URLSearchParams(route.request().postData() ?? '').get('grant_type') ===
            'refresh_token'
          ) {
            held += 1
            await gate
          }
          await route.continue()
        },
      )
      await first.waitForTimeout(2500)
      await first.click('#list-tools')
      await expect.poll(() => held).toBe(1)
      await first.click('#disconnect')
      release()
      await expect.poll(() => status(first)).toBe('disconnected')
      await expect.poll(() => result(first)).not.toBe('working')
      expect(await storedTokens(first, server)).toBeUndefined()
      await expect.poll(() => status(second)).toBe('disconnected')
      expect(await run(second, '#list-tools')).toMatch(/^failed/)
      expect(await storedTokens(second, server)).toBeUndefined()
      await first.reload()
      await expect.poll(() => status(first)).not.toMatch(/^(unknown|probing)$/)
      expect(await status(first)).not.toBe('authorized')
      expect(await storedTokens(first, server)).toBeUndefined()
      await context.unroute((url) => url.pathname.endsWith('/token'))
    })
  })
})
