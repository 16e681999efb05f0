#!/usr/bin/env node
// Screenshots for the docs, taken in Debian's Chromium against the loopback demo stack: the
// elements for the theming page (docs/public/theming/*.png: default light, default dark, a
// custom theme and translated strings), and the flow timeline of a whole authorization for
// the debugging page (docs/public/debugging/timeline.png). Run `npm run docs:screenshots`
// after changing the elements' styles or strings, look at the images, and commit them.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'
import { startStack } from '../playground/stack/index.mjs'

const out = fileURLToPath(new URL('../docs/public/theming/', import.meta.url))
const debugging = fileURLToPath(new URL('../docs/public/debugging/', import.meta.url))
const source = (path) => fileURLToPath(new URL(`../packages/${path}`, import.meta.url))

const vite = await createServer({
  root: fileURLToPath(new URL('./docs-screenshots/', import.meta.url)),
  configFile: false,
  logLevel: 'error',
  resolve: {
    alias: [
      { find: /^@mcp-oauth\/core\/callback$/, replacement: source('core/src/callback.ts') },
      { find: /^@mcp-oauth\/core\/events$/, replacement: source('core/src/events.ts') },
      { find: /^@mcp-oauth\/core$/, replacement: source('core/src/index.ts') },
      {
        find: /^@mcp-oauth\/web-components\/timeline$/,
        replacement: source('web-components/src/timeline.ts'),
      },
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
  await timelineShot(port)
} finally {
  await browser.close()
  await stack.close()
  await vite.close()
}

/**
 * The timeline of one whole flow, beside a server whose challenge the page cannot read: probe,
 * discovery, registration, the window, the token, a tool list, and the disconnect.
 */
async function timelineShot(port) {
  mkdirSync(debugging, { recursive: true })
  const context = await browser.newContext({
    colorScheme: 'light',
    viewport: { width: 1072, height: 800 },
    deviceScaleFactor: 1,
  })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  const query = new URLSearchParams()
  query.append('server', stack.servers.oauth)
  query.append('server', stack.servers.hiddenChallenge)
  await page.goto(`http://127.0.0.1:${port}/timeline.html?${query}`)
  const status = () => page.getAttribute('mcp-authorize', 'status')
  await page.waitForFunction(
    () => document.querySelector('mcp-authorize')?.getAttribute('status') === 'needs-authorization',
  )
  // Authorize in the popup as a user would: sign in, then allow.
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.evaluate(() => {
      const button = document
        .querySelector('mcp-authorize')
        .shadowRoot.querySelector('button[part~="primary"]')
      button.click()
    }),
  ])
  await popup.waitForSelector('input[name="login"], #allow')
  if (await popup.$('input[name="login"]')) {
    await popup.fill('input[name="login"]', 'demo')
    await popup.click('button[type="submit"]')
  }
  await popup.click('#allow')
  await page.waitForFunction(
    () => document.querySelector('mcp-authorize')?.getAttribute('status') === 'authorized',
  )
  await page.evaluate(() => document.getElementById('list-tools').click())
  await page.waitForFunction(() => document.body.dataset.listed === '200')
  await page.evaluate(() => document.getElementById('disconnect').click())
  await page.waitForFunction(() =>
    [...document.querySelector('mcp-flow-timeline').events].some((e) => e.type === 'revocation'),
  )
  if ((await status()) !== 'disconnected') throw new Error('the disconnect did not finish')
  await page.locator('mcp-flow-timeline').screenshot({ path: `${debugging}timeline.png` })
  await context.close()
  if (errors.length) throw new Error(`timeline: ${errors.join('; ')}`)
  console.log('docs/public/debugging/timeline.png')
}
