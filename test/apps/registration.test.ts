import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Stack, startStack } from '../../playground/stack/index.mjs'
import { launchChromium, signInAndConsent } from '../e2e/support.js'
import { type ExpectedAnswer, watchContext } from './support/browser.js'
import { packPackages } from './support/install.js'
import { type StaticServer, serveStatic, strictCsp } from './support/serve.js'

/**
 * Registration refused, and client ID metadata documents, in Chromium with the published kit:
 * the packed tarballs of core and the elements, unpacked as an app's node_modules would hold
 * them and bundled with esbuild (no install, no framework: the cheapest honest way to run what
 * npm would ship). The app's build step writes its document with `clientMetadataDocument()`
 * from the tarball, and checks it with `checkClientMetadataDocument()`.
 */
const exec = promisify(execFile)
const repo = fileURLToPath(new URL('../../', import.meta.url))

let work: string
let packs: string
let app: string
let stack: Stack
let browser: Browser
let server: StaticServer

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mcp-oauth-registration-'))
  const packed = await packPackages()
  packs = packed.dir
  app = join(work, 'app')
  await cp(join(repo, 'test/apps/registration'), app, { recursive: true })
  for (const name of ['@mcp-oauth/core', '@mcp-oauth/web-components']) {
    const dir = join(app, 'node_modules', name)
    await mkdir(dir, { recursive: true })
    await exec('tar', ['-xzf', packed.tarballs[name]!, '-C', dir, '--strip-components=1'])
  }
  const dist = join(app, 'dist')
  await esbuild.build({
    entryPoints: [join(app, 'main.js')],
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    outdir: dist,
    // The kit's own dependencies (oauth4webapi, idb-keyval) come from the repository's install.
    nodePaths: [join(repo, 'node_modules')],
    logLevel: 'error',
  })
  await cp(join(app, 'index.html'), join(dist, 'index.html'))
  // Loopback origins only: the stack's ports change every run.
  server = await serveStatic({
    root: dist,
    csp: strictCsp(['http://127.0.0.1:*']),
    spaFallback: false,
  })
  await exec(process.execPath, ['emit-client-metadata.mjs', server.origin, dist], { cwd: app })
  stack = await startStack({ redirectUris: [`${server.origin}/`] })
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await stack?.close()
  if (work) await rm(work, { recursive: true, force: true })
  if (packs) await rm(packs, { recursive: true, force: true })
})

/** The only console errors these pages may show: answers the protocol calls for. */
function expected(): ExpectedAnswer[] {
  return [
    ...Object.values(stack.servers).map((url) => ({
      status: 401,
      url,
      why: 'the probe, before any token',
    })),
    {
      status: 403,
      url: `${stack.issuers.registrationRefused}/reg`,
      atMost: 1,
      why: 'registration refused: the app is not on the owner’s list',
    },
    {
      status: 400,
      url: `${stack.issuers.loopbackOnly}/reg`,
      atMost: 1,
      why: 'registration refused: invalid_redirect_uri',
    },
  ]
}

/** A fresh profile on the app for `serverUrl`, failing on any page or console error. */
async function withApp(
  serverUrl: string,
  run: (page: Page, context: BrowserContext, registrations: string[]) => Promise<void>,
) {
  const context = await browser.newContext()
  const problems = await watchContext(context, { expected: expected() })
  /** Every request any page of this profile sent to a registration endpoint. */
  const registrations: string[] = []
  context.on('request', (request) => {
    if (new URL(request.url()).pathname === '/reg') registrations.push(request.url())
  })
  try {
    const page = await context.newPage()
    await page.goto(`${server.origin}/?server=${encodeURIComponent(serverUrl)}`)
    await run(page, context, registrations)
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

const status = (page: Page) => page.textContent('#status')

/** Presses Authorize; the window it opens is returned (it may close again at once). */
async function pressAuthorize(page: Page, context: BrowserContext): Promise<Page> {
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.click('mcp-authorize button:text-is("Authorize")'),
  ])
  return popup
}

/** A refused registration, then the client ID the owner gave, then authorized and a tool call. */
async function refusedThenTypedClientId(
  serverUrl: string,
  issuer: string,
  reason: string,
  said: string,
) {
  await withApp(serverUrl, async (page, context, registrations) => {
    await expect.poll(() => status(page)).toBe('needs-authorization')
    const refused = await pressAuthorize(page, context)
    await expect.poll(() => status(page)).toBe('needs-client-id')
    expect(await page.textContent('#refusal')).toBe(reason)
    // The window opened in the click closes once the refusal is known.
    await expect.poll(() => refused.isClosed()).toBe(true)
    expect(await page.locator('mcp-authorize [part="message"]').textContent()).toBe(said)
    // One field, the client ID: never a secret.
    const fields = page.locator('mcp-authorize input')
    expect(await fields.count()).toBe(1)
    expect(await fields.getAttribute('name')).toBe('client-id')
    expect(registrations).toEqual([`${issuer}/reg`])
    expect(stack.statsOf(issuer)).toMatchObject({ registrations: 0 })

    await fields.fill(stack.preRegisteredClient.clientId)
    await page.click('mcp-authorize button[type="submit"]')
    await expect.poll(() => status(page)).toBe('needs-authorization')
    await signInAndConsent(await pressAuthorize(page, context))
    await expect.poll(() => status(page)).toBe('authorized')
    expect(await page.textContent('#registration')).toBe('manual')
    await page.click('#call')
    await expect.poll(() => page.textContent('#tool')).toBe('tools/list: 200')
    // Asked once: the refusal is not asked again.
    expect(registrations).toHaveLength(1)
  })
}

describe('registration refused: the reason, then a typed client ID (published kit, Chromium)', () => {
  test('403 unless the app is on the owner’s list: "only accepts apps its owner has approved"', async () => {
    await refusedThenTypedClientId(
      stack.servers.registrationRefused,
      stack.issuers.registrationRefused,
      'forbidden',
      'This server only accepts apps its owner has approved. Enter the client ID you were given.',
    )
  })

  test('400 invalid_redirect_uri for a redirect URI off localhost: "does not accept sign-ins for this app’s address"', async () => {
    await refusedThenTypedClientId(
      stack.servers.loopbackOnly,
      stack.issuers.loopbackOnly,
      'invalid_redirect_uri',
      'This server does not accept sign-ins for this app’s address. Enter the client ID you were given.',
    )
  })
})

describe('client ID metadata documents (published kit, Chromium)', () => {
  test('the document the build step wrote passes the check, with a loopback warning only', async () => {
    const { stdout } = await exec(process.execPath, ['check-client-metadata.mjs', server.origin], {
      cwd: app,
    })
    const result = JSON.parse(stdout) as { ok: boolean; findings: { code: string }[] }
    expect(result.ok).toBe(true)
    expect(result.findings.map((finding) => finding.code)).toEqual(['loopback_url'])
  })

  test('authorized with the app’s own document; no registration request is sent', async () => {
    const issuer = stack.issuers.metadataDocument
    const fetched = stack.statsOf(issuer).documentFetches
    await withApp(stack.servers.metadataDocument, async (page, context, registrations) => {
      await expect.poll(() => status(page)).toBe('needs-authorization')
      expect(await page.textContent('#registration')).toBe('metadata-document')
      await signInAndConsent(await pressAuthorize(page, context))
      await expect.poll(() => status(page)).toBe('authorized')
      await page.click('#call')
      await expect.poll(() => page.textContent('#tool')).toBe('tools/list: 200')
      expect(registrations).toEqual([])
    })
    const stats = stack.statsOf(issuer)
    expect(stats.documentFetches).toBeGreaterThan(fetched)
    expect(stats.registrationRequests).toBe(0)
    expect(stats.grants.authorization_code).toBe(1)
  })
})
