import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { startStack } from '../../playground/stack/index.mjs'

/**
 * Debian's Chromium, or `CHROMIUM_PATH`. A missing browser is an error, never a skip:
 * `.ci/run` installs it.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    )
  }
  return path
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
}

/** Serves the end-to-end test page (not the playground) on 127.0.0.1 and a free port. */
export async function startTestPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: ViteDevServer = await createServer({
    root: fileURLToPath(new URL('./app', import.meta.url)),
    configFile: false,
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false },
    // Serve dependencies as they are: no optimizer run that would reload the page mid-test.
    optimizeDeps: { noDiscovery: true, include: [] },
  })
  await server.listen()
  const address = server.httpServer?.address()
  if (!address || typeof address === 'string') throw new Error('test page did not start')
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() }
}

/**
 * Plays the user on the authorization server's pages: signs in as the demo user when asked
 * (a second authorization reuses the AS session), then presses Allow or Deny on the consent page.
 */
export async function signInAndConsent(page: Page, choice: 'allow' | 'deny' = 'allow') {
  await page.waitForSelector('input[name="login"], #allow')
  if (await page.$('input[name="login"]')) {
    await page.fill('input[name="login"]', 'demo')
    await page.click('button[type="submit"]')
  }
  await page.waitForSelector(`#${choice}`)
  await page.click(`#${choice}`)
}

/** The test page, a demo stack that accepts its callback, and Chromium; `close()` stops all. */
export async function startWorld() {
  const testPage = await startTestPage()
  const stack = await startStack({ redirectUris: [`${testPage.origin}/callback.html`] })
  const browser = await launchChromium()
  return {
    testPage,
    stack,
    browser,
    async close() {
      await browser.close()
      await stack.close()
      await testPage.close()
    },
  }
}
