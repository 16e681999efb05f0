import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, signInAndConsent } from './support.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
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

async function withPage(path: string, run: (page: Page, context: BrowserContext) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  try {
    const page = await context.newPage()
    await page.goto(new URL(path, url).href)
    await run(page, context)
  } finally {
    await context.close()
  }
}

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
      await authorizeIn(context, () => page.click('button:text-is("Add & authorize")'))
      await page.click('button:text-is("Call echo")')
      await expect
        .poll(() => page.locator('.message.tool').allTextContents())
        .toEqual(['Hello, MCP!'])
      await expect.poll(() => page.getAttribute('mcp-server-card', 'status')).toBe('authorized')
      const timeline = await page.locator('flow-timeline li .step').allTextContents()
      expect(timeline).toEqual(
        expect.arrayContaining(['Resource metadata', 'AS metadata', 'Registration', 'Token']),
      )
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
    })
  })

  test('React chat: typing never labels a newer URL with an older result', async () => {
    await withPage('/', async (page) => {
      await page.fill('#add-url', 'http://127.0.0.1:9/mcp')
      await page.fill('#add-url', 'not a url')
      await expect.poll(() => page.textContent('.found')).toBe('Not usable: insecure_url')
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
      await page.screenshot({ path: `${artifacts}plain-html.png`, fullPage: true })
    })
  })

  test('Svelte: the core handle as a store, the web components, a tool call', async () => {
    await withPage('/svelte.html', async (page, context) => {
      await expect
        .poll(() => page.textContent('[data-testid="store-status"]'))
        .toBe('needs-authorization')
      await authorizeIn(context, () => page.click('mcp-authorize button:text-is("Authorize")'))
      await expect.poll(() => page.textContent('[data-testid="store-status"]')).toBe('authorized')
      await page.click('button:text-is("List tools")')
      await expect.poll(() => page.textContent('[data-testid="tools"]')).toBe('Tools: echo, time')
      await page.screenshot({ path: `${artifacts}svelte.png`, fullPage: true })
    })
  })
})
