import { browserPage, type CorsPolicy, fakeRelay, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Routes } from '../contracts/routes.js'
import { McpAuthError } from '../errors.js'
import { defaultFetch, harmless, relayed } from '../http/transport-error.js'
import { route } from './router.js'

// Which way a request goes, and what the kit learns from a harmless one CORS refused.
const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const PAGE = 'https://app.example'
const RELAY = `${PAGE}/mcp-relay`
const OPEN = 'https://open.example'
const CLOSED = 'https://closed.example'

function world(
  policy: (url: URL) => CorsPolicy = (url) =>
    url.origin === OPEN ? { allowHeaders: '*' } : 'none',
) {
  const page = browserPage(PAGE, policy)
  const relay = fakeRelay(RELAY, page.network, { allow: () => true })
  const hits: string[] = []
  mock.use(
    relay.handler,
    http.all(/^https:\/\/(open|closed)\.example\//, async ({ request }) => {
      hits.push(`${request.method} ${request.url} ${request.headers.get('authorization') ?? ''}`)
      const { pathname } = new URL(request.url)
      if (pathname === '/missing') return new HttpResponse(null, { status: 404 })
      if (pathname === '/moved') {
        return new HttpResponse(null, {
          status: 303,
          headers: { location: new URL('/next', request.url).href },
        })
      }
      if (pathname === '/away') {
        return new HttpResponse(null, { status: 307, headers: { location: `${OPEN}/landed` } })
      }
      return HttpResponse.json({ at: request.url, method: request.method })
    }),
  )
  const routes: Routes = { relay: RELAY, learned: new Set() }
  const send = (url: string, init: RequestInit = {}, safe = false) => {
    if (safe) harmless.add(init)
    return route(routes, defaultFetch, url, init)
  }
  return { page, relay, hits, routes, send }
}

describe('which way a request goes', () => {
  test('straight to a server that answers the page', async () => {
    const { send, relay, hits } = world()
    const response = await send(`${OPEN}/x`)
    expect(await response.json()).toEqual({ at: `${OPEN}/x`, method: 'GET' })
    expect(relayed.has(response)).toBe(false)
    expect(relay.relayed).toEqual([])
    expect(hits).toEqual([`GET ${OPEN}/x `])
  })

  test('through the relay, untried, for a listed host or a learned origin', async () => {
    const { send, relay, routes, page } = world()
    ;(routes as { relay: Routes['relay'] }).relay = { url: RELAY, hosts: ['closed.example'] }
    const response = await send(`${CLOSED}/x`, { method: 'POST', body: 'b' })
    expect(await response.json()).toEqual({ at: `${CLOSED}/x`, method: 'POST' })
    expect(relayed.has(response)).toBe(true)
    routes.learned.add(OPEN)
    await send(`${OPEN}/y`)
    expect(relay.relayed.map((r) => `${r.method} ${r.target} ${r.body}`)).toEqual([
      `POST ${CLOSED}/x b`,
      `GET ${OPEN}/y `,
    ])
    // The page never tried them itself.
    expect(page.requests.filter((r) => !r.url.startsWith(RELAY))).toEqual([])
  })
})

describe('learning from a harmless request CORS refused', () => {
  test('it goes again through the relay, and its origin is learned', async () => {
    const { send, relay, routes, page } = world()
    const response = await send(`${CLOSED}/meta`, {}, true)
    expect(await response.json()).toEqual({ at: `${CLOSED}/meta`, method: 'GET' })
    expect(routes.learned).toEqual(new Set([CLOSED]))
    // Once to the server (unreadable), once through the relay; the next one goes there at once.
    await send(`${CLOSED}/other`)
    expect(page.sent(CLOSED).map((r) => r.url)).toEqual([`${CLOSED}/meta`])
    expect(relay.relayed.map((r) => r.target)).toEqual([`${CLOSED}/meta`, `${CLOSED}/other`])
  })

  test('a miss (404) through the relay is answered, and teaches nothing', async () => {
    const { send, routes } = world()
    expect((await send(`${CLOSED}/missing`, {}, true)).status).toBe(404)
    expect(routes.learned.size).toBe(0)
  })

  test('a request that may have been processed is never sent again: the browser error stands', async () => {
    const { send, relay, hits, routes } = world()
    const error = await send(`${CLOSED}/call`, { method: 'POST', body: 'once' }).catch((e) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(hits).toEqual([`POST ${CLOSED}/call `])
    expect(relay.relayed).toEqual([])
    expect(routes.learned.size).toBe(0)
  })

  test('a host that does not answer at all: network_error, never the relay', async () => {
    const { send, relay } = world((url) => (url.origin === CLOSED ? 'down' : 'none'))
    await expect(send(`${CLOSED}/meta`, {}, true)).rejects.toMatchObject({ code: 'network_error' })
    expect(relay.relayed).toEqual([])
  })

  test("the relay's refusal is the answer: relay_refused, and nothing is learned", async () => {
    const page = browserPage(PAGE, () => 'none')
    const relay = fakeRelay(RELAY, page.network, { allow: () => false })
    mock.use(
      relay.handler,
      http.get(`${CLOSED}/meta`, () => HttpResponse.json({})),
    )
    const routes: Routes = { relay: RELAY, learned: new Set() }
    const init: RequestInit = {}
    harmless.add(init)
    const error = await route(routes, defaultFetch, `${CLOSED}/meta`, init).catch((e) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({
      code: 'relay_refused',
      details: { reason: 'target_not_allowed' },
    })
    expect(routes.learned.size).toBe(0)
  })
})

describe('redirects through the relay', () => {
  test("'follow': each hop routed again, a 303 as a GET; Authorization dropped across origins", async () => {
    const { send, routes, hits } = world()
    routes.learned.add(CLOSED)
    const response = await send(`${CLOSED}/moved`, {
      method: 'POST',
      body: 'x',
      headers: { authorization: 'Basic app' },
    })
    expect(await response.json()).toEqual({ at: `${CLOSED}/next`, method: 'GET' })
    const away = await send(`${CLOSED}/away`, { headers: { authorization: 'Basic app' } })
    expect(await away.json()).toEqual({ at: `${OPEN}/landed`, method: 'GET' })
    expect(hits).toEqual([
      `POST ${CLOSED}/moved Basic app`,
      `GET ${CLOSED}/next Basic app`,
      `GET ${CLOSED}/away Basic app`,
      `GET ${OPEN}/landed `,
    ])
  })

  test("'manual': the 3xx with its Location; 'error': refused", async () => {
    const { send, routes } = world()
    routes.learned.add(CLOSED)
    const manual = await send(`${CLOSED}/away`, { redirect: 'manual' })
    expect([manual.status, manual.headers.get('location')]).toEqual([307, `${OPEN}/landed`])
    await expect(send(`${CLOSED}/away`, { redirect: 'error' })).rejects.toMatchObject({
      code: 'unexpected_response',
    })
  })
})
