import { createHash } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { signInAndConsent, startWorld } from './support.js'

// Sender-constrained tokens in Chromium (RFC 9449, MCP DPoP extension) against the demo stack's
// `dpop` server, whose issuer and resource both ask for nonces. The proof of the point: the
// access token copied out of IndexedDB is refused from anywhere else, as a bearer token and
// with a proof from another key, while the page, which holds the non-extractable key, goes on.
let world: Awaited<ReturnType<typeof startWorld>>
let server: string
let issuer: string

beforeAll(async () => {
  world = await startWorld()
  server = world.stack.servers.dpop
  const prm = await (
    await fetch(new URL('/.well-known/oauth-protected-resource/mcp', server))
  ).json()
  issuer = prm.authorization_servers[0]
})
afterAll(() => world?.close())

/**
 * A fresh profile whose pages fail the test on any page error or console error but the
 * expected ones: the browser's line for a 401 from the DPoP server (the probe, a nonce
 * challenge), for the issuer's 400 `use_dpop_nonce`, and for its 400 to the revocation of the
 * JWT access token (`unsupported_token_type`, reported by disconnect), the dev server's reload
 * socket and a missing favicon.
 */
async function withContext(run: (context: BrowserContext, problems: string[]) => Promise<void>) {
  const context = await world.browser.newContext()
  const problems: string[] = []
  context.on('page', (page) => {
    page.on('pageerror', (error) => problems.push(`${page.url()}: page error: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() !== 'error') return
      const from = message.location().url
      if (from.includes('/@vite/client') || from.endsWith('/favicon.ico')) return
      if (from.startsWith(server) && message.text().includes('status of 401')) return
      const answer400 = message.text().includes('status of 400')
      if ((from === `${issuer}/token` || from === `${issuer}/token/revocation`) && answer400) return
      problems.push(`${page.url()}: console ${message.type()} from ${from}: ${message.text()}`)
    })
  })
  try {
    await run(context, problems)
    expect(problems).toEqual([])
  } finally {
    await context.close()
  }
}

const status = (page: Page) => page.textContent('#status')
const tokenType = (page: Page) => page.textContent('#token-type')
const result = (page: Page) => page.textContent('#result')

async function openApp(context: BrowserContext, query = ''): Promise<Page> {
  const page = await context.newPage()
  await page.goto(
    `${world.testPage.origin}/index.html?server=${encodeURIComponent(server)}${query}`,
  )
  await expect.poll(() => status(page)).not.toMatch(/^(unknown|probing)$/)
  return page
}

async function run(page: Page, button: string): Promise<string> {
  await page.click(button)
  await expect.poll(() => result(page)).not.toBe('working')
  return (await result(page)) ?? ''
}

/** The records the core keeps for the DPoP server: its tokens, and its key's facts. */
function stored(page: Page, resource: string) {
  return page.evaluate(
    (resource) =>
      new Promise<{
        tokens?: { accessToken: string; refreshToken?: string; tokenType?: string }
        key?: {
          privateExtractable: boolean
          privateExport: string
          publicJwk: JsonWebKey
          usages: string[]
        }
      }>((resolve, reject) => {
        const open = indexedDB.open('mcp-oauth')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const store = db.transaction('records').objectStore('records')
          const keys = store.getAllKeys()
          const values = store.getAll()
          store.transaction.oncomplete = async () => {
            db.close()
            const all = new Map(keys.result.map((key, i) => [String(key), values.result[i]]))
            const tokens = all.get(`tokens:${resource}`)
            const record = [...all].find(([key]) => key.startsWith('dpop-key:'))?.[1] as
              | { keyPair: CryptoKeyPair }
              | undefined
            if (!record) return resolve({ tokens })
            const { privateKey, publicKey } = record.keyPair
            const privateExport = await crypto.subtle.exportKey('jwk', privateKey).then(
              () => 'exported',
              (error: Error) => error.name,
            )
            resolve({
              tokens,
              key: {
                privateExtractable: privateKey.extractable,
                privateExport,
                publicJwk: await crypto.subtle.exportKey('jwk', publicKey),
                usages: privateKey.usages,
              },
            })
          }
        }
      }),
    resource,
  )
}

/** RFC 7638 SHA-256 thumbprint of an EC public key: the `cnf.jkt` a bound token carries. */
const thumbprint = ({ crv, kty, x, y }: JsonWebKey) =>
  createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url')

const pick = ({ crv, kty, x, y }: JsonWebKey) => ({ kty, crv, x, y })

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
    cnf?: { jkt?: string }
  }

const mcpHeaders = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
}
const toolsList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })

/** The token replayed from Node with a valid proof of a fresh key, nonce retry included. */
async function replayWithForeignKey(token: string) {
  const thief = oauth.DPoP({}, await oauth.generateKeyPair('ES256'))
  const attempt = () =>
    oauth.protectedResourceRequest(
      token,
      'POST',
      new URL(server),
      new Headers(mcpHeaders),
      toolsList,
      { DPoP: thief, [oauth.allowInsecureRequests]: true },
    )
  const refusal = async (): Promise<oauth.WWWAuthenticateChallengeError> => {
    try {
      await attempt()
    } catch (error) {
      if (error instanceof oauth.WWWAuthenticateChallengeError) return error
      throw error
    }
    throw new Error('the foreign key was accepted')
  }
  const first = await refusal()
  return oauth.isDPoPNonceError(first) ? refusal() : first
}

describe('DPoP in Chromium', () => {
  test('authorize, refresh and call with a bound token; the token copied out of IndexedDB is refused elsewhere', async () => {
    await withContext(async (context) => {
      const app = await openApp(context)
      expect(await status(app)).toBe('needs-authorization')
      const authorizations: URL[] = []
      context.on('request', (request) => {
        const url = new URL(request.url())
        if (url.origin === issuer && url.pathname === '/auth') authorizations.push(url)
      })
      const [popup] = await Promise.all([context.waitForEvent('page'), app.click('#authorize')])
      await signInAndConsent(popup)
      await expect.poll(() => status(app)).toBe('authorized')
      expect(await tokenType(app)).toBe('DPoP')
      const before = world.stack.dpopStats()
      expect(await run(app, '#list-tools')).toMatch(/^ok .*echo/)

      // The private key: non-extractable, and refused by exportKey; the token is bound to it.
      const first = await stored(app, server)
      expect(first.tokens?.tokenType).toBe('DPoP')
      expect(first.key).toMatchObject({
        privateExtractable: false,
        privateExport: 'InvalidAccessError',
        usages: ['sign'],
      })
      const jkt = thumbprint(first.key!.publicJwk)
      expect(claims(first.tokens!.accessToken).cnf?.jkt).toBe(jkt)
      // The code was bound to the same key from the start (RFC 9449 §10), and redeemed with it.
      expect(authorizations[0]?.searchParams.get('dpop_jkt')).toBe(jkt)

      // A refresh: a second tab that refreshes before every use (skew above the lifetime).
      const refresher = await openApp(context, '&skew=100000')
      expect(await tokenType(refresher)).toBe('DPoP')
      expect(await run(refresher, '#list-tools')).toMatch(/^ok .*echo/)
      await refresher.close()
      const after = world.stack.dpopStats()
      // One refresh per request of that tab (initialize, tools/list), each with a proof.
      expect(after.grants.refresh_token).toBe(before.grants.refresh_token + 2)
      expect(after.invalidGrants).toBe(before.invalidGrants)
      const refreshed = await stored(app, server)
      expect(refreshed.tokens?.accessToken).not.toBe(first.tokens?.accessToken)
      expect(claims(refreshed.tokens!.accessToken).cnf?.jkt).toBe(jkt)

      // A tool call in the first tab, with the refreshed token (heard of from the other tab).
      expect(await run(app, '#call-echo')).toContain('bound')
      const accepted = world.stack.dpopStats().resource.accepted
      const stolen = refreshed.tokens!.accessToken

      // The replay from Node: as a bearer token...
      const bearer = await fetch(server, {
        method: 'POST',
        headers: { ...mcpHeaders, authorization: `Bearer ${stolen}` },
        body: toolsList,
      })
      expect(bearer.status).toBe(401)
      expect(bearer.headers.get('www-authenticate')).toContain('error="invalid_token"')
      // ...and with a valid proof from a fresh key.
      const foreign = await replayWithForeignKey(stolen)
      expect(foreign.status).toBe(401)
      const challenge = foreign.cause.find((c) => c.scheme === 'dpop')
      expect(challenge?.parameters.error).toBe('invalid_token')
      expect(challenge?.parameters.error_description).toContain('bound to another key')
      expect(world.stack.dpopStats().resource.accepted).toBe(accepted)

      // The same token still works from the page that holds the key.
      expect(await run(app, '#call-echo')).toContain('bound')
      expect((await stored(app, server)).tokens?.accessToken).toBe(stolen)
      // initialize and tools/call (the server is stateless: the page initializes each time)
      expect(world.stack.dpopStats().resource.accepted).toBe(accepted + 2)
      // Nothing secret reached the DOM.
      const html = await app.content()
      expect(html).not.toContain(stolen)
      expect(html).not.toContain(first.tokens!.accessToken)
    })
  })

  test('disconnect revokes with proofs and deletes the key; a new authorization gets a new key', async () => {
    await withContext(async (context) => {
      const app = await openApp(context)
      const [popup] = await Promise.all([context.waitForEvent('page'), app.click('#authorize')])
      await signInAndConsent(popup)
      await expect.poll(() => status(app)).toBe('authorized')
      const { key } = await stored(app, server)
      const revocations = world.stack.dpopStats().revocations
      const proofs: (string | undefined)[] = []
      await context.route(
        (url) => url.pathname.endsWith('/token/revocation'),
        async (route) => {
          proofs.push(route.request().headers().dpop)
          await route.continue()
        },
      )
      expect(await run(app, '#disconnect')).toBe('ok "disconnected"')
      expect(world.stack.dpopStats().revocations).toBe(revocations + 2)
      expect(proofs).toHaveLength(2)
      for (const proof of proofs) {
        const [header = ''] = (proof ?? '').split('.')
        const { jwk } = JSON.parse(Buffer.from(header, 'base64url').toString())
        expect(jwk).toEqual(pick(key!.publicJwk))
      }
      expect(await stored(app, server)).toEqual({ tokens: undefined })
      const [again] = await Promise.all([context.waitForEvent('page'), app.click('#authorize')])
      await signInAndConsent(again)
      await expect.poll(() => status(app)).toBe('authorized')
      const next = await stored(app, server)
      expect(next.key?.publicJwk).not.toEqual(key?.publicJwk)
      expect(await run(app, '#list-tools')).toMatch(/^ok .*echo/)
    })
  })
})
