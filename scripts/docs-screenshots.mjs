#!/usr/bin/env node
// Screenshots of the elements for the theming page (docs/public/theming/*.png), taken in
// Debian's Chromium against the loopback demo stack: default light, default dark, a custom
// theme and translated strings. Run `npm run docs:screenshots` after changing the elements'
// styles or strings, look at the images, and commit them.
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'
import { startStack } from '../playground/stack/index.mjs'

const out = fileURLToPath(new URL('../docs/public/theming/', import.meta.url))
const source = (path) => fileURLToPath(new URL(`../packages/${path}`, import.meta.url))

const vite = await createServer({
  root: fileURLToPath(new URL('./docs-screenshots/', import.meta.url)),
  configFile: false,
  logLevel: 'error',
  resolve: {
    alias: [
      { find: /^@mcp-oauth\/core$/, replacement: source('core/src/index.ts') },
      { find: /^@mcp-oauth\/web-components$/, replacement: source('web-components/src/index.ts') },
    ],
  },
  server: { host: '127.0.0.1', port: 0, hmr: false, ws: false },
})
const stack = await startStack()
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
})
try {
  await vite.listen()
  const { port } = /** @type {import('node:net').AddressInfo} */ (vite.httpServer.address())
  const shots = [
    { name: 'light', theme: 'light', colorScheme: 'light' },
    { name: 'dark', theme: 'dark', colorScheme: 'dark' },
    { name: 'custom', theme: 'custom', colorScheme: 'light' },
    { name: 'strings', theme: 'light', colorScheme: 'light', strings: 'fr' },
  ]
  for (const shot of shots) {
    const context = await browser.newContext({
      colorScheme: shot.colorScheme,
      viewport: { width: 800, height: 600 },
      deviceScaleFactor: 1,
    })
    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (error) => errors.push(error.message))
    const query = new URLSearchParams({ server: stack.servers.oauth, theme: shot.theme })
    if (shot.strings) query.set('strings', shot.strings)
    await page.goto(`http://127.0.0.1:${port}/?${query}`)
    await page.waitForFunction(
      () =>
        document.querySelector('mcp-authorize')?.getAttribute('status') === 'needs-authorization',
    )
    await page.locator('main').screenshot({ path: `${out}${shot.name}.png` })
    await context.close()
    if (errors.length) throw new Error(`${shot.name}: ${errors.join('; ')}`)
    console.log(`docs/public/theming/${shot.name}.png`)
  }
} finally {
  await browser.close()
  await stack.close()
  await vite.close()
}
