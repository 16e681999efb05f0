import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, signInAndConsent } from './support.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const artifacts = fileURLToPath(new URL('./artifacts/playground/', import.meta.url))

let playground: ChildProcess
let url: string
let browser: Browser

/** Runs `npm start` as a newcomer would and waits for the one URL it prints. */
function startPlayground(): Promise<string> {
  playground = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', FORCE_COLOR: '0' },
    detached: true,
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start printed no URL:\n${output}`)),
      60_000,
    )
    const read = (chunk: Buffer) => {
      output += chunk
      const match = /mcp-oauth playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    playground.stdout?.on('data', read)
    playground.stderr?.on('data', read)
    playground.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)))
  })
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  url = await startPlayground()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  // npm runs the script in a child: stop the whole process group.
  if (playground?.pid) process.kill(-playground.pid, 'SIGTERM')
})

/** axe-core over the page, shadow roots included: every rule, contrast too. */
async function axeViolations(page: Page): Promise<string> {
  await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: {
        run: (
          context: Document,
        ) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }>
      }
    }
    const result = await axe.run(document)
    return result.violations.map(
      (v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((node) => node.target))}`,
    )
  })
  return violations.join('\n')
}

/**
 * Everything that went wrong on the playground's own pages (the app and its callback window):
 * page errors, console errors and failed requests to the playground's origin (a 404 favicon).
 * The kit's cross-origin protocol answers (a 401 challenge, the SDK's optional `GET` stream
 * refused with 405) are how MCP works, not page faults: Chromium logs them, they are expected.
 */
function watchProblems(context: BrowserContext, relayed = false): string[] {
  const problems: string[] = []
  const origin = new URL(url).origin
  /** Through the relay, on the playground's origin: the protocol's answers, as the target gave them. */
  const viaRelay = (at: string) => relayed && new URL(at).pathname === '/mcp-relay'
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`${page.url()}: page error: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return
      const source = message.location().url
      const expected =
        (message.text().startsWith('Failed to load resource') &&
          source !== '' &&
          (new URL(source).origin !== origin || viaRelay(source))) ||
        // A harmless request CORS refused, which then goes through the relay.
        (relayed && /has been blocked by CORS policy|net::ERR_FAILED/.test(message.text()))
      if (!expected) problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`)
    })
    page.on('response', (response) => {
      const at = response.url()
      if (response.status() >= 400 && new URL(at).origin === origin && !viaRelay(at))
        problems.push(`${page.url()}: ${response.status()} ${at}`)
    })
  }
  context.pages().forEach(watch)
  context.on('page', watch)
  return problems
}

async function withPage(
  path: string,
  run: (page: Page, context: BrowserContext) => Promise<void>,
  relayed = false,
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const problems = watchProblems(context, relayed)
  try {
    const page = await context.newPage()
    await page.goto(new URL(path, url).href)
    await page.waitForLoadState('networkidle')
    // The page names its icon, and the icon is served: no 404 on any load.
    const icon = await page.getAttribute('link[rel="icon"]', 'href')
    expect(icon, 'a <link rel="icon">').toBeTruthy()
    expect((await page.request.get(new URL(icon!, page.url()).href)).status()).toBe(200)
    expect(await axeViolations(page), 'axe on load').toBe('')
    await run(page, context)
    expect(await axeViolations(page), 'axe at the end').toBe('')
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

/** The shipped timeline's step labels, and its rows by label (and detail). */
const steps = (page: Page) => page.locator('mcp-flow-timeline [part~="step"]').allTextContents()
const timelineRows = (page: Page, step: string, detail?: RegExp) => {
  const rows = page
    .locator('mcp-flow-timeline li[part~="row"]')
    .filter({ has: page.locator(`[part~="step"]:text-is("${step}")`) })
  return detail ? rows.filter({ has: page.locator('[part~="detail"]', { hasText: detail }) }) : rows
}
const failedRows = (page: Page) => page.locator('mcp-flow-timeline li[part~="failed"]')

async function authorizeIn(context: BrowserContext, click: () => Promise<unknown>) {
  const [popup] = await Promise.all([context.waitForEvent('page'), click()])
  // The AS may answer at once (the user already consented): the popup then closes by itself.
  await signInAndConsent(popup).catch((error: unknown) => {
    if (!popup.isClosed()) throw error
  })
}

describe('the playground, started with npm start', () => {
  test('React chat: probe as you type, add & authorize, call tools with the MCP SDK, step-up', async () => {
    await withPage('/', async (page, context) => {
      await page.click('button:text-is("OAuth (dynamic registration)")')
      await expect
        .poll(() => page.textContent('.found'))
        .toMatch(/^OAuth: sign-in at 127\.0\.0\.1:\d+$/)
      // What one "Add server" fetches: each metadata document once, however many parts of the
      // page look at the new server. The AS answers at its first metadata URL (RFC 8414); the
      // other candidate goes out only if the answer takes longer than the first URL's head start.
      const metadata: string[] = []
      page.on('request', (request) => {
        if (request.url().includes('/.well-known/')) metadata.push(new URL(request.url()).pathname)
      })
      await authorizeIn(context, () => page.click('button:text-is("Add & authorize")'))
      await page.click('button:text-is("Call echo")')
      await expect
        .poll(() => page.locator('.message.tool').allTextContents())
        .toEqual(['Hello, MCP!'])
      await expect.poll(() => page.getAttribute('mcp-server-card', 'status')).toBe('authorized')
      const authorizationServer = metadata.filter((path) => !path.includes('protected-resource'))
      expect(authorizationServer[0]).toBe('/.well-known/oauth-authorization-server')
      expect(
        authorizationServer.every((path) =>
          ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'].includes(
            path,
          ),
        ),
      ).toBe(true)
      expect(new Set(metadata).size).toBe(metadata.length)
      expect(await timelineRows(page, 'AS metadata').count()).toBe(1)
      expect(await steps(page)).toEqual(
        expect.arrayContaining([
          'Resource metadata',
          'AS metadata',
          'Registration',
          'Token',
          'MCP',
        ]),
      )
      // MCP rows name the JSON-RPC method, never the arguments; the SDK's optional SSE stream
      // (GET, 405 from a stateless server) is explained, not a failure.
      const mcp = await timelineRows(page, 'MCP').locator('[part~="detail"]').allTextContents()
      expect(mcp).toEqual(
        expect.arrayContaining(['POST initialize', 'POST tools/list', 'POST tools/call']),
      )
      expect(mcp.join(' ')).not.toContain('Hello')
      const stream = timelineRows(page, 'MCP', /^GET/)
      await expect.poll(() => stream.count()).toBe(1)
      expect(await stream.getAttribute('part')).toBe('row explained')
      expect(await failedRows(page).count()).toBe(0)
      await page.screenshot({ path: `${artifacts}react-chat.png`, fullPage: true })

      // Step-up on the admin server.
      await page.click('button:text-is("Step-up (extra scope)")')
      await expect.poll(() => page.textContent('.found')).toMatch(/^OAuth/)
      await authorizeIn(context, () => page.click('button:text-is("Add & authorize")'))
      await page.click('button:text-is("Call admin_action")')
      await expect
        .poll(() => page.getAttribute('.pane mcp-authorize', 'status'))
        .toBe('needs-step-up')
      await page.screenshot({ path: `${artifacts}react-step-up.png`, fullPage: true })
      await authorizeIn(context, () =>
        page.click('.pane mcp-authorize button:text-is("Authorize")'),
      )
      await page.click('button:text-is("Call admin_action")')
      await expect
        .poll(() => page.locator('.message.tool').allTextContents())
        .toContain('Admin action done')
      expect(await timelineRows(page, 'Step-up').count()).toBe(1)

      // Opening a chat logs nothing that did not happen now: no status row comes of it.
      const statuses = await timelineRows(page, 'Status').count()
      await page.locator('button:text-is("Open chat")').first().click()
      await expect.poll(() => page.locator('.pane h2').textContent()).toBe('Demo tools')
      await page.waitForTimeout(500)
      expect(await timelineRows(page, 'Status').count()).toBe(statuses)

      // A disconnect: the revocation that oidc-provider refuses for a JWT access token is
      // explained, once.
      await page.locator('mcp-server-card button:text-is("Disconnect")').first().click()
      await page.locator('mcp-server-card button[data-key="confirm-disconnect"]').click()
      await expect.poll(() => timelineRows(page, 'Revocation').count()).toBe(1)
      expect(await timelineRows(page, 'Revocation').getAttribute('part')).toBe('row explained')
      expect(await failedRows(page).count()).toBe(0)
    })
  })

  test('React chat: the DPoP preset gets a sender-constrained token, and the card says so', async () => {
    await withPage('/', async (page, context) => {
      await page.click('button:text-is("DPoP (sender-constrained tokens)")')
      await expect.poll(() => page.textContent('.found')).toMatch(/^OAuth/)
      await authorizeIn(context, () => page.click('button:text-is("Add & authorize")'))
      await page.click('button:text-is("Call echo")')
      await expect
        .poll(() => page.locator('.message.tool').allTextContents())
        .toEqual(['Hello, MCP!'])
      await expect
        .poll(() => page.locator('mcp-server-card [part~="protection"]').allTextContents())
        .toEqual(['Sender-constrained (DPoP)'])
    })
  })

  test('React chat: the token-endpoint-without-CORS preset signs in through the relay, and the timeline says so', async () => {
    await withPage(
      '/',
      async (page, context) => {
        await page.click('button:text-is("Token endpoint without CORS (relay)")')
        await expect.poll(() => page.textContent('.found')).toMatch(/^OAuth/)
        await authorizeIn(context, () => page.click('button:text-is("Add & authorize")'))
        await page.click('button:text-is("Call echo")')
        await expect
          .poll(() => page.locator('.message.tool').allTextContents())
          .toEqual(['Hello, MCP!'])
        await expect.poll(() => timelineRows(page, 'Token', /via the relay/).count()).toBe(1)
        await expect.poll(() => timelineRows(page, 'Route', /token relay/).count()).toBe(1)
      },
      true,
    )
  })

  test('React chat: typing never labels a newer URL with an older result', async () => {
    await withPage('/', async (page) => {
      await page.fill('#add-url', 'http://127.0.0.1:9/mcp')
      await page.fill('#add-url', 'not a url')
      await expect
        .poll(() => page.textContent('.found'))
        .toBe('Enter a full address that starts with https:// (http:// only for localhost).')
    })
  })

  test('React chat: the add-server hint is in words, tied to the field, and blocks submit', async () => {
    await withPage('/', async (page) => {
      const input = page.locator('#add-url')
      const submit = page.locator('button:text-is("Add & authorize")')
      await input.fill('javascript:alert(1)')
      await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true')
      const hintId = await input.getAttribute('aria-describedby')
      expect(hintId).toBeTruthy()
      expect(await page.textContent(`#${hintId}`)).not.toMatch(/_/) // no raw error code
      expect(await submit.isDisabled()).toBe(true)

      await input.fill('http://127.0.0.1:9/mcp')
      await expect
        .poll(() => page.textContent(`#${hintId}`))
        .toBe('Nothing answered at this address. Is the server running?')
      expect(await submit.isDisabled()).toBe(true)

      await page.click('button:text-is("Open (no auth)")')
      await expect.poll(() => page.textContent(`#${hintId}`)).toBe('Open: no authorization needed')
      expect(await input.getAttribute('aria-invalid')).toBe('false')
      expect(await submit.isDisabled()).toBe(false)
    })
  })

  test('React chat: the static-token preset shows its demo token, which completes it', async () => {
    await withPage('/', async (page) => {
      await page.click('button:text-is("Static token")')
      const token = (await page.textContent('[data-testid="preset-credential"] code')) ?? ''
      expect(token).toMatch(/^demo-[0-9a-f]{24}$/)
      await expect.poll(() => page.textContent('.found')).toMatch(/^Token only/)
      await page.click('button:text-is("Add & authorize")')
      await page.fill('.pane mcp-authorize input[name="token"]', token)
      await page.click('.pane mcp-authorize button[type="submit"]')
      await page.click('button:text-is("Call time")')
      await expect.poll(() => page.locator('.message.tool').count()).toBe(1)
    })
  })

  test('React chat: the typed-client-ID preset shows its client ID, which completes it', async () => {
    await withPage('/', async (page, context) => {
      await page.click('button:text-is("Typed client ID")')
      const clientId = (await page.textContent('[data-testid="preset-credential"] code')) ?? ''
      expect(clientId).toBe('mcp-oauth-demo-client')
      await expect.poll(() => page.textContent('.found')).toMatch(/client ID/)
      await page.click('button:text-is("Add & authorize")')
      await page.fill('.pane mcp-authorize input[name="client-id"]', clientId)
      await page.click('.pane mcp-authorize button[type="submit"]')
      await authorizeIn(context, () =>
        page.click('.pane mcp-authorize button:text-is("Authorize")'),
      )
      await page.click('button:text-is("Call time")')
      await expect.poll(() => page.locator('.message.tool').count()).toBe(1)
    })
  })

  test.each([
    [
      'Registration refused (approved apps only)',
      'This server only accepts apps its owner has approved. Enter the client ID you were given.',
    ],
    [
      'Registration refused (localhost redirects only)',
      'This server does not accept sign-ins for this app’s address. Enter the client ID you were given.',
    ],
  ])(
    'React chat: the "%s" preset says why, and the demo client ID completes it',
    async (preset, said) => {
      await withPage('/', async (page, context) => {
        await page.click(`button:text-is("${preset}")`)
        const clientId = (await page.textContent('[data-testid="preset-credential"] code')) ?? ''
        expect(clientId).toBe('mcp-oauth-demo-client')
        await expect.poll(() => page.textContent('.found')).toMatch(/^OAuth/)
        // The window opened in the click closes once the server refuses to register the app.
        const [refused] = await Promise.all([
          context.waitForEvent('page'),
          page.click('button:text-is("Add & authorize")'),
        ])
        await expect.poll(() => refused.isClosed()).toBe(true)
        const step = page.locator('.pane mcp-authorize')
        await expect.poll(() => step.locator('[part="message"]').textContent()).toBe(said)
        expect(await step.locator('input').count()).toBe(1)
        await page.fill('.pane mcp-authorize input[name="client-id"]', clientId)
        await page.click('.pane mcp-authorize button[type="submit"]')
        await authorizeIn(context, () =>
          page.click('.pane mcp-authorize button:text-is("Authorize")'),
        )
        await page.click('button:text-is("Call time")')
        await expect.poll(() => page.locator('.message.tool').count()).toBe(1)
      })
    },
  )

  test('React chat: the client ID metadata document preset signs in with the playground’s own document', async () => {
    await withPage('/', async (page, context) => {
      await page.click('button:text-is("Client ID metadata document")')
      expect(await page.locator('[data-testid="preset-credential"]').count()).toBe(0)
      await expect.poll(() => page.textContent('.found')).toMatch(/^OAuth: sign-in at /)
      await authorizeIn(context, () => page.click('button:text-is("Add & authorize")'))
      await page.click('button:text-is("Call time")')
      await expect.poll(() => page.locator('.message.tool').count()).toBe(1)
    })
  })

  test('React chat: styled controls, and a main pane whose width does not follow its content', async () => {
    await withPage('/', async (page) => {
      const width = () => page.locator('main.pane').evaluate((node) => node.clientWidth)
      const before = await width()
      await page.click('button:text-is("Open (no auth)")')
      await expect.poll(() => page.textContent('.found')).toMatch(/^Open/)
      await page.click('button:text-is("Add & authorize")')
      await page.fill('.pane input', 'x'.repeat(400))
      await page.click('button:text-is("Call echo")')
      await expect.poll(() => page.locator('.message.tool').count()).toBe(1)
      expect(await width()).toBe(before)

      // Native controls look grey-bordered and square; the playground's are themed.
      const look = (selector: string) =>
        page
          .locator(selector)
          .first()
          .evaluate((node) => {
            const style = getComputedStyle(node)
            return { radius: style.borderTopLeftRadius, border: style.borderTopStyle }
          })
      for (const selector of ['button:text-is("Open chat")', '#add-url', '.pane input']) {
        expect(await look(selector), selector).toEqual({ radius: '8px', border: 'solid' })
      }
    })
  })

  test('plain HTML: the web components authorize and a tool call works', async () => {
    await withPage('/plain.html', async (page, context) => {
      await expect
        .poll(() => page.getAttribute('mcp-authorize', 'status'))
        .toBe('needs-authorization')
      await authorizeIn(context, () => page.click('mcp-authorize button:text-is("Authorize")'))
      await expect.poll(() => page.getAttribute('mcp-server-card', 'status')).toBe('authorized')
      await page.click('#list-tools')
      await expect.poll(() => page.textContent('#tools')).toBe('Tools: echo, time')
      expect(await steps(page)).toEqual(
        expect.arrayContaining(['Probe', 'Resource metadata', 'Token', 'MCP']),
      )
      expect(await timelineRows(page, 'MCP').locator('[part~="detail"]').allTextContents()).toEqual(
        ['POST tools/list'],
      )
      await page.screenshot({ path: `${artifacts}plain-html.png`, fullPage: true })

      // The presets that need something typed show it beside the picker.
      const credential = page.locator('[data-testid="preset-credential"]')
      await page.selectOption('#server', { label: 'Static token' })
      expect(await credential.textContent()).toMatch(/^Demo token: demo-[0-9a-f]{24}$/)
      await page.selectOption('#server', { label: 'Typed client ID' })
      expect(await credential.textContent()).toBe('Demo client ID: mcp-oauth-demo-client')
      await page.selectOption('#server', { label: 'Open (no auth)' })
      expect(await credential.isHidden()).toBe(true)
    })
  })

  test('Svelte: the core handle as a store, the web components, a tool call', async () => {
    await withPage('/svelte.html', async (page, context) => {
      await expect
        .poll(() => page.textContent('[data-testid="store-status"]'))
        .toBe('needs-authorization')
      // Denied once: the timeline says so once.
      const [denied] = await Promise.all([
        context.waitForEvent('page'),
        page.click('mcp-authorize button:text-is("Authorize")'),
      ])
      await signInAndConsent(denied, 'deny')
      await expect.poll(() => page.textContent('[data-testid="store-status"]')).toBe('cancelled')
      await expect.poll(() => timelineRows(page, 'Status', /cancelled/).count()).toBe(1)
      await page.waitForTimeout(300)
      expect(await timelineRows(page, 'Status', /cancelled/).count()).toBe(1)
      await authorizeIn(context, () => page.click('mcp-authorize button:text-is("Try again")'))
      await expect.poll(() => page.textContent('[data-testid="store-status"]')).toBe('authorized')
      await page.click('button:text-is("List tools")')
      await expect.poll(() => page.textContent('[data-testid="tools"]')).toBe('Tools: echo, time')
      await page.screenshot({ path: `${artifacts}svelte.png`, fullPage: true })

      await page.selectOption('select', { label: 'Static token' })
      await expect
        .poll(() => page.textContent('[data-testid="preset-credential"]'))
        .toMatch(/^Demo token: demo-[0-9a-f]{24}$/)
    })
  })
})
