import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Stack, startStack } from '../../playground/stack/index.mjs'
import { launchChromium, signInAndConsent } from '../e2e/support.js'
import { type ExpectedAnswer, watchContext } from './support/browser.js'
import { EXPECTED_RESPONSES } from './support/expected.js'
import { installAndBuild, NODE_22, packPackages } from './support/install.js'
import { serveNode } from './support/node-server.js'
import { type StaticServer, serveStatic, strictCsp } from './support/serve.js'

/**
 * Real apps, each installed from the packed tarballs and built with its own tooling, served
 * under a strict CSP, driven in one Chromium against the demo stack.
 */
interface AppSpec {
  /** Folder under test/apps. */
  name: string
  /** How the app is served once built. */
  serve:
    | { kind: 'static'; output: string; spaFallback: boolean }
    | {
        kind: 'node'
        /** The script to run, from the app's directory. */
        entry: string
        /** Its arguments, if the entry is a CLI rather than the server itself. */
        args?: string[]
        /** The policy the server-rendered page must carry, by directive. */
        policy: (connectSrc: readonly string[]) => Record<string, unknown>
      }
  /** How the user disconnects: the app's own button, or the server card's (with its confirmation). */
  disconnect: 'button' | 'card'
  /** The build command, when the app's `npm run build` is not it. */
  build?: string[]
}

const APPS: AppSpec[] = [
  // Vite + React 18 + TanStack Query, useMcpAuth and AuthorizeStep; callback on an SPA route.
  {
    name: 'react18',
    serve: { kind: 'static', output: 'dist', spaFallback: true },
    disconnect: 'button',
  },
  // Vite + React 19 with the elements; a static callback.html page.
  {
    name: 'react19',
    serve: { kind: 'static', output: 'dist', spaFallback: false },
    disconnect: 'card',
  },
  // Vite + Vue 3 with the elements; callback on an SPA route.
  { name: 'vue', serve: { kind: 'static', output: 'dist', spaFallback: true }, disconnect: 'card' },
  // SvelteKit (Svelte 5) with SSR, the handle as a store and the elements; a callback route.
  {
    name: 'sveltekit',
    serve: {
      kind: 'node',
      entry: 'build/index.js',
      // SvelteKit's inline start-up script is allowed by its hash, its route announcer's style
      // attribute by its hash; nothing else inline.
      policy: (connectSrc) => ({
        'default-src': "'self'",
        'script-src': expect.stringMatching(/^'self' 'sha256-[A-Za-z0-9+/=]+'$/),
        'style-src': "'self' 'unsafe-hashes' 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='",
        'connect-src': `'self' ${connectSrc.join(' ')}`,
      }),
    },
    disconnect: 'card',
  },
  // Next.js App Router (React 19) with SSR, useMcpAuth and AuthorizeStep in a client component;
  // the callback on an app route; `next start` with a per-request nonce from its proxy.
  {
    name: 'nextjs',
    serve: {
      kind: 'node',
      entry: 'node_modules/next/dist/bin/next',
      args: ['start', '--hostname', '127.0.0.1'],
      // Next's inline bootstrap scripts carry the nonce; the chunks they load are trusted by
      // 'strict-dynamic'. No inline style.
      policy: (connectSrc) => ({
        'default-src': "'self'",
        'script-src': expect.stringMatching(
          /^'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'$/,
        ),
        'style-src': "'self'",
        'connect-src': `'self' ${connectSrc.join(' ')}`,
      }),
    },
    disconnect: 'button',
  },
  // One HTML page and one module script, bundled by Vite; the page is its own redirect URI.
  {
    name: 'plain',
    serve: { kind: 'static', output: 'dist', spaFallback: false },
    disconnect: 'card',
  },
  // Svelte 5 with plain Vite (no SvelteKit): the handle as a store and the elements; the
  // callback on an SPA route that shows one line instead of the app.
  {
    name: 'svelte',
    serve: { kind: 'static', output: 'dist', spaFallback: true },
    disconnect: 'button',
  },
  // Solid with Vite: the elements in JSX with the shipped Solid typings (type-checked by its
  // build); a static callback.html that loads the protocol code only after a full-page redirect.
  {
    name: 'solid',
    serve: { kind: 'static', output: 'dist', spaFallback: false },
    disconnect: 'card',
  },
  // Angular (standalone, zoneless) built by the Angular CLI, which needs Node 22: the elements
  // with CUSTOM_ELEMENTS_SCHEMA and [attr.server-url], a global stylesheet without critical CSS
  // inlining; the callback on an SPA route that shows one line instead of the app.
  {
    name: 'angular',
    serve: { kind: 'static', output: 'dist/browser', spaFallback: true },
    disconnect: 'button',
    build: ['npx', '-y', NODE_22, 'node_modules/@angular/cli/bin/ng.js', 'build'],
  },
]

/** `APPS=vue,plain npx vitest run --project apps` builds and runs only those while iterating. */
const only = process.env.APPS?.split(',').filter(Boolean)
const selected = only ? APPS.filter((app) => only.includes(app.name)) : APPS

let work: string
let packs: string
let stack: Stack
let browser: Browser
let csp: string
let connectSrc: string[]
const built = new Map<string, string>()
const servers: StaticServer[] = []

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mcp-oauth-apps-'))
  const packed = await packPackages()
  packs = packed.dir
  // Two at a time: installs wait on the network and the cache, builds on the CPU.
  const queue = [...selected]
  const worker = async () => {
    for (let app = queue.shift(); app; app = queue.shift()) {
      built.set(app.name, await installAndBuild(app.name, work, packed.tarballs, app.build))
    }
  }
  await Promise.all([worker(), worker()])
  stack = await startStack()
  connectSrc = [stack.issuer, stack.servers.oauth].map((url) => new URL(url).origin)
  csp = strictCsp(connectSrc)
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  for (const server of servers) await server.close()
  await stack?.close()
  if (work) await rm(work, { recursive: true, force: true })
  if (packs) await rm(packs, { recursive: true, force: true })
})

async function serve(app: AppSpec): Promise<string> {
  const dir = built.get(app.name)
  if (!dir) throw new Error(`${app.name} was not built`)
  const server =
    app.serve.kind === 'static'
      ? await serveStatic({
          root: join(dir, app.serve.output),
          csp,
          spaFallback: app.serve.spaFallback,
        })
      : await serveNode(join(dir, app.serve.entry), connectSrc, {
          cwd: dir,
          args: app.serve.args,
          // An app with a relay route (SvelteKit) may reach the demo stack's hosts.
          env: { RELAY_ALLOW: stack.relayOptions.allow.join(','), RELAY_ALLOW_LOOPBACK: 'true' },
        })
  servers.push(server)
  return server.origin
}

/** The answers the protocol calls for, which Chromium still logs as errors, for this stack. */
function expectedAnswers(): ExpectedAnswer[] {
  return EXPECTED_RESPONSES.map(({ url, ...answer }) => ({ ...answer, url: url(stack) }))
}

/**
 * The app's status line. The SvelteKit app also reads the handle as a store from a component
 * without runes: both must say the same.
 */
async function status(page: Page) {
  const runes = await page.locator('#status').textContent()
  const legacy = page.locator('#legacy-status')
  if ((await legacy.count()) === 0) return runes
  const without = await legacy.textContent()
  return without === runes ? runes : `runes: ${runes}, without runes: ${without}`
}

/** Authorize, call a tool through the SDK, reload, disconnect: the same story in every app. */
async function journey(context: BrowserContext, origin: string, app: AppSpec) {
  const url = `${origin}/?server=${encodeURIComponent(stack.servers.oauth)}`
  if (app.serve.kind === 'node') {
    // Server-side rendering: the page renders in Node with the elements' tags and no error.
    const response = await fetch(url)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain(`<mcp-authorize server-url="${stack.servers.oauth}"`)
    expect(html).toContain('<output id="status">unknown</output>')
    if (app.name === 'sveltekit')
      expect(html).toContain('<output id="legacy-status">unknown</output>')
    const header = response.headers.get('content-security-policy') ?? ''
    const policy = Object.fromEntries(
      header.split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/)
        return [name, values.join(' ')]
      }),
    )
    expect(policy).toEqual(app.serve.policy(connectSrc))
    // With a nonce, every script of the page carries this response's nonce, and the next
    // response gets another one.
    const nonce = /'nonce-([^']+)'/.exec(header)?.[1]
    if (nonce) {
      const scripts = html.match(/<script\b[^>]*>/g) ?? []
      expect(scripts.length).toBeGreaterThan(0)
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`)
      const again = await fetch(url)
      expect(again.headers.get('content-security-policy')).not.toContain(nonce)
    }
  }
  const page = await context.newPage()
  await page.goto(url)
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('needs-authorization')

  const authorize = page.locator('mcp-authorize').getByRole('button', { name: 'Authorize' })
  const [popup] = await Promise.all([context.waitForEvent('page'), authorize.click()])
  await signInAndConsent(popup)
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('authorized')
  await expect.poll(() => popup.isClosed()).toBe(true)

  await page.click('#call')
  await expect
    .poll(() => page.locator('#tool').textContent(), { timeout: 15_000 })
    .toBe('echo: hello')
  // `APPS_SCREENSHOTS=<dir>` keeps a picture of each app, authorized, after its tool call.
  const shots = process.env.APPS_SCREENSHOTS
  if (shots) await page.screenshot({ path: join(shots, `${app.name}.png`), fullPage: true })

  await page.reload()
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('authorized')

  if (app.disconnect === 'button') await page.click('#disconnect')
  else {
    const card = page.locator('mcp-server-card')
    await card.getByRole('button', { name: 'Disconnect' }).click()
    // The card asks for confirmation first.
    await card.getByRole('button', { name: 'Disconnect' }).click()
  }
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('disconnected')
  await page.reload()
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('needs-authorization')
}

describe('a relay route in an app, from the packed packages', () => {
  test.runIf(selected.some((app) => app.name === 'sveltekit'))(
    'SvelteKit: /mcp-relay (+server.ts) forwards to the stack for its own pages only',
    async () => {
      const origin = await serve(APPS.find((app) => app.name === 'sveltekit')!)
      const relayUrl = (target: string) => `${origin}/mcp-relay?url=${encodeURIComponent(target)}`
      const probe = {
        method: 'POST',
        headers: {
          origin,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          cookie: 'session=app',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      }
      const challenged = await fetch(relayUrl(stack.servers.oauth), probe)
      expect(challenged.status).toBe(401)
      expect(challenged.headers.get('www-authenticate')).toContain('resource_metadata=')
      expect(challenged.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")

      const stranger = await fetch(relayUrl(stack.servers.oauth), {
        ...probe,
        headers: { ...probe.headers, origin: 'http://127.0.0.1:1' },
      })
      expect(stranger.status).toBe(403)
      expect(stranger.headers.get('mcp-relay-error')).toBe('origin_not_allowed')

      const elsewhere = await fetch(relayUrl('http://127.0.0.1:9/mcp'), probe)
      expect(elsewhere.headers.get('mcp-relay-error')).toBe('target_not_allowed')

      // A same-origin GET without Origin, as a browser sends it, reaches the metadata.
      const metadata = await fetch(
        relayUrl(`${stack.issuer}/.well-known/oauth-authorization-server`),
        { headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' } },
      )
      expect(metadata.status).toBe(200)
      expect((await metadata.json()).issuer).toBe(stack.issuer)
    },
  )
})

describe('real apps from the packed packages, under a strict CSP', () => {
  for (const app of selected) {
    test(app.name, async () => {
      const origin = await serve(app)
      const context = await browser.newContext()
      const problems = await watchContext(context, { expected: expectedAnswers() })
      try {
        await journey(context, origin, app)
        expect(problems).toEqual([])
      } finally {
        await context.close()
      }
    })
  }
})
