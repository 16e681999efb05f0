import {
  createWorld,
  deferred,
  dpopWorld,
  useMockServer,
  type WorldOptions,
} from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { McpAuthOptions } from '../contracts/options.js'
import type { TokenRecord } from '../contracts/records.js'
import { AuthorizationError } from '../errors.js'
import { subscribeEvents } from '../events/subscribe.js'
import type { McpAuthEvent } from '../events/types.js'
import { keys } from '../storage/records.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'
import { StepUp } from './step-up.js'

const mock = useMockServer()
const ORIGIN = 'https://mcp.example.com'
const RESOURCE = `${ORIGIN}/mcp`

interface Seen {
  method: string
  url: string
  authorization: string | null
  contentType: string | null
  body: string
}

/** Records every request the resource paths below `RESOURCE/x` get, answered by `answer`. */
function recorder() {
  const seen: Seen[] = []
  const record = async (request: Request) => {
    seen.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization'),
      contentType: request.headers.get('content-type'),
      body: ['GET', 'HEAD'].includes(request.method) ? '' : await request.clone().text(),
    })
  }
  const at = (path: string, answer: (request: Request) => Response) =>
    http.all(path, async ({ request }) => {
      await record(request)
      return answer(request)
    })
  return { seen, at }
}

async function authorized(
  options: { world?: Partial<WorldOptions>; auth?: Partial<McpAuthOptions> } = {},
) {
  const w = createWorld(options.world)
  const kit = setupWorld(mock, w, options.auth ? { auth: options.auth } : {})
  await kit.handle.authorize()
  const token = [...w.accessTokens.keys()].at(-1)!
  return { w, ...kit, token, ...recorder() }
}

const ok = () => HttpResponse.json({ ok: true })
const stored = async (storage: { get(key: string): Promise<unknown> }) =>
  (await storage.get(keys.tokens(RESOURCE))) as TokenRecord | undefined

describe('StepUp: authorizations per operation', () => {
  test('without a refused operation there is nothing to count', () => {
    const stepUp = new StepUp()
    expect(() => stepUp.begin(0)).not.toThrow()
  })

  test('past the limit it gives up, naming the operation and the attempts', () => {
    const stepUp = new StepUp()
    stepUp.refused('POST /mcp tools/call admin', ['read', 'admin'])
    expect(stepUp.pending).toEqual({
      operation: 'POST /mcp tools/call admin',
      scopes: ['read', 'admin'],
    })
    stepUp.begin(2)
    let error: unknown
    try {
      stepUp.begin(2)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error).toMatchObject({
      code: 'step_up_limit',
      message: 'Gave up after 2 authorization attempts for the same operation',
      details: { operation: 'POST /mcp tools/call admin', attempts: 2 },
    })
  })

  test('a success forgets the attempts of that operation', () => {
    const stepUp = new StepUp()
    stepUp.refused('op', ['admin'])
    stepUp.begin(2)
    stepUp.succeeded('op')
    stepUp.refused('op', ['admin'])
    expect(() => stepUp.begin(2)).not.toThrow()
    expect(() => stepUp.begin(2)).toThrow(/Gave up after 2 authorization attempts/)
  })
})

describe('server.fetch: where the token goes', () => {
  test('without tokens a request to the resource goes out with no Authorization header', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const { seen, at } = recorder()
    mock.use(at(`${RESOURCE}/x`, ok))
    const response = await handle.fetch(`${RESOURCE}/x`)
    expect(response.status).toBe(200)
    expect(seen).toEqual([expect.objectContaining({ method: 'GET', authorization: null })])
  })

  test('tokens issued for a broader resource are sent to all of it, beyond the server URL', async () => {
    const w = createWorld()
    w.options.prm = { ...w.options.prm, resource: `${ORIGIN}/` }
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    expect((await stored(storage))?.resource).toBe(`${ORIGIN}/`)
    const token = [...w.accessTokens.keys()].at(-1)!
    const { seen, at } = recorder()
    mock.use(at(`${ORIGIN}/other`, ok))
    expect((await handle.fetch(`${ORIGIN}/other`)).status).toBe(200)
    expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${token}`])
  })

  test('tokens stored for a narrower resource are not sent to the rest of the server', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const record = (await stored(storage))!
    await storage.set(keys.tokens(RESOURCE), { ...record, resource: `${RESOURCE}/narrow` })
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
      RESOURCE,
    )
    const { seen, at } = recorder()
    mock.use(at(`${RESOURCE}/x`, ok), at(`${RESOURCE}/narrow/y`, ok))
    await other.fetch(`${RESOURCE}/x`)
    await other.fetch(`${RESOURCE}/narrow/y`)
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([
      [`${RESOURCE}/x`, null],
      [`${RESOURCE}/narrow/y`, `Bearer ${record.accessToken}`],
    ])
  })

  test('a Location header on an answer that is not a redirect is not followed', async () => {
    const { handle, seen, at } = await authorized()
    mock.use(
      at(`${RESOURCE}/items`, () =>
        HttpResponse.json({ id: 1 }, { status: 201, headers: { location: `${RESOURCE}/items/1` } }),
      ),
      at(`${RESOURCE}/items/1`, ok),
    )
    const response = await handle.fetch(`${RESOURCE}/items`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(201)
    expect(seen.map((s) => s.url)).toEqual([`${RESOURCE}/items`])
  })
})

describe('server.fetch: redirects inside the resource', () => {
  test('a refused redirect names where it came from, where it went and the status', async () => {
    const { handle, seen, at } = await authorized()
    mock.use(
      at(
        `${RESOURCE}/start`,
        () => new HttpResponse(null, { status: 302, headers: { location: `${ORIGIN}/other` } }),
      ),
    )
    await expect(handle.fetch(`${RESOURCE}/start`)).rejects.toMatchObject({
      code: 'redirect_refused',
      message: `Refused to follow a redirect from ${RESOURCE}/start to ${ORIGIN}/other with the access token: it leaves ${RESOURCE}`,
      details: { from: `${RESOURCE}/start`, to: `${ORIGIN}/other`, status: 302 },
    })
    expect(seen).toHaveLength(1)
  })

  test('an opaque redirect (no readable Location) is refused, and nothing else is sent', async () => {
    const sent: string[] = []
    const { handle } = await authorized({
      auth: {
        fetch: async (input, init) => {
          const request = new Request(input, init)
          sent.push(request.url)
          if (!request.url.endsWith('/opaque')) return globalThis.fetch(request)
          const response = new Response(null, { status: 200 })
          Object.defineProperty(response, 'type', { value: 'opaqueredirect' })
          return response
        },
      },
    })
    sent.length = 0
    await expect(handle.fetch(`${RESOURCE}/opaque`)).rejects.toMatchObject({
      code: 'redirect_refused',
      message: `Refused to follow a redirect from ${RESOURCE}/opaque to an unreadable location with the access token: it leaves ${RESOURCE}`,
      details: { from: `${RESOURCE}/opaque`, to: undefined, status: 200 },
    })
    expect(sent).toEqual([`${RESOURCE}/opaque`])
    expect(handle.getSnapshot().status).toBe('authorized')
  })

  test('a redirect loop inside the resource is given up after five hops', async () => {
    const { handle, seen, at } = await authorized()
    mock.use(
      at(
        `${RESOURCE}/a`,
        () => new HttpResponse(null, { status: 307, headers: { location: `${RESOURCE}/b` } }),
      ),
      at(
        `${RESOURCE}/b`,
        () => new HttpResponse(null, { status: 307, headers: { location: `${RESOURCE}/a` } }),
      ),
    )
    await expect(mcpCall(handle, 'tools/list', {}, `${RESOURCE}/a`)).rejects.toMatchObject({
      code: 'redirect_refused',
      details: { from: `${RESOURCE}/b`, to: `${RESOURCE}/a`, status: 307 },
    })
    expect(seen.map((s) => s.url.slice(RESOURCE.length))).toEqual([
      '/a',
      '/b',
      '/a',
      '/b',
      '/a',
      '/b',
    ])
  })

  /** Sends `method` to /from, which redirects with `status` to /to; returns what /to got. */
  async function redirectedAs(status: number, method: string) {
    const { handle, seen, at, token } = await authorized()
    mock.use(
      at(
        `${RESOURCE}/from`,
        () => new HttpResponse(null, { status, headers: { location: `${RESOURCE}/to` } }),
      ),
      at(`${RESOURCE}/to`, () => new HttpResponse(method === 'HEAD' ? null : 'done')),
    )
    const withBody = method !== 'GET' && method !== 'HEAD'
    const response = await handle.fetch(`${RESOURCE}/from`, {
      method,
      headers: { 'content-type': 'application/json', 'x-app': 'kept' },
      ...(withBody ? { body: '{"a":1}' } : {}),
    })
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(2)
    expect(seen[1]!.authorization).toBe(`Bearer ${token}`)
    return seen[1]!
  }

  test('a 303 after POST becomes a GET without body or content type', async () => {
    expect(await redirectedAs(303, 'POST')).toMatchObject({
      method: 'GET',
      contentType: null,
      body: '',
    })
  })

  test.each([301, 302])('a %i after POST becomes a GET', async (status) => {
    expect(await redirectedAs(status, 'POST')).toMatchObject({ method: 'GET', contentType: null })
  })

  test.each([301, 302])('a %i after PUT keeps the method and the body', async (status) => {
    expect(await redirectedAs(status, 'PUT')).toMatchObject({
      method: 'PUT',
      contentType: 'application/json',
      body: '{"a":1}',
    })
  })

  test.each([307, 308])(
    'a %i after POST keeps the method, body and content type',
    async (status) => {
      expect(await redirectedAs(status, 'POST')).toMatchObject({
        method: 'POST',
        contentType: 'application/json',
        body: '{"a":1}',
      })
    },
  )

  test('a 303 after PUT becomes a GET', async () => {
    expect(await redirectedAs(303, 'PUT')).toMatchObject({ method: 'GET', body: '' })
  })

  test('a 303 after HEAD stays a HEAD', async () => {
    expect(await redirectedAs(303, 'HEAD')).toMatchObject({ method: 'HEAD', contentType: null })
  })

  test('a GET redirected with 302 stays a GET', async () => {
    expect(await redirectedAs(302, 'GET')).toMatchObject({ method: 'GET', contentType: null })
  })
})

describe('server.fetch: a refused token', () => {
  test('a 401 without a challenge refreshes once (reason unauthorized) and retries', async () => {
    const { auth, handle, seen, at, token } = await authorized()
    const events: McpAuthEvent[] = []
    subscribeEvents(auth, (event) => events.push(event))
    let calls = 0
    mock.use(
      at(`${RESOURCE}/x`, () =>
        ++calls === 1 ? new HttpResponse(null, { status: 401 }) : HttpResponse.json({ ok: true }),
      ),
    )
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(200)
    expect(seen.map((s) => s.authorization)).toEqual([
      `Bearer ${token}`,
      expect.stringMatching(/^Bearer at-/),
    ])
    expect(seen[1]!.authorization).not.toBe(`Bearer ${token}`)
    expect(events.filter((e) => e.type === 'refresh')).toEqual([
      expect.objectContaining({ reason: 'unauthorized' }),
    ])
  })

  test('a 401 invalid_token refreshes with reason invalid_token', async () => {
    const { auth, handle, at, w } = await authorized()
    const events: McpAuthEvent[] = []
    subscribeEvents(auth, (event) => events.push(event))
    let calls = 0
    mock.use(
      at(`${RESOURCE}/x`, () =>
        ++calls === 1
          ? new HttpResponse(null, {
              status: 401,
              headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
            })
          : HttpResponse.json({ ok: true }),
      ),
    )
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'refresh')).toEqual([
      expect.objectContaining({ reason: 'invalid_token' }),
    ])
  })

  test('when the refresh fails, the 401 is answered and the request is not sent again', async () => {
    const { handle, seen, at, w, token } = await authorized({ world: { refresh: 'server-error' } })
    mock.use(
      at(
        `${RESOURCE}/x`,
        () =>
          new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          }),
      ),
    )
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(401)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${token}`])
  })

  test('a token-only server answering 401 with no challenge asks for another token', async () => {
    const w = createWorld({ prm: null, as: null, challenge: 'Bearer' })
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.submitToken('typed')
    const { at } = recorder()
    mock.use(at(`${RESOURCE}/x`, () => new HttpResponse(null, { status: 401 })))
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(401)
    const snapshot = handle.getSnapshot()
    expect(snapshot.status).toBe('needs-token')
    expect(snapshot.error).toMatchObject({
      code: 'invalid_token',
      message: `${RESOURCE} refused the token it was given`,
    })
  })
})

describe('server.fetch: what an answer does to the status', () => {
  test('a 403 without a challenge, or a non-403 insufficient_scope, is not a step-up', async () => {
    const { handle, at } = await authorized()
    mock.use(
      at(`${RESOURCE}/forbidden`, () => new HttpResponse(null, { status: 403 })),
      at(
        `${RESOURCE}/bad`,
        () =>
          new HttpResponse(null, {
            status: 400,
            headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"' },
          }),
      ),
    )
    expect((await handle.fetch(`${RESOURCE}/forbidden`)).status).toBe(403)
    expect((await handle.fetch(`${RESOURCE}/bad`)).status).toBe(400)
    expect(handle.getSnapshot().status).toBe('authorized')
    expect(handle.getSnapshot()).not.toHaveProperty('stepUpScopes')
  })

  test('a 403 insufficient_scope without tokens asks for just the challenged scopes', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const { at } = recorder()
    mock.use(
      at(
        `${RESOURCE}/x`,
        () =>
          new HttpResponse(null, {
            status: 403,
            headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"' },
          }),
      ),
    )
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(403)
    expect(handle.getSnapshot()).toMatchObject({
      status: 'needs-step-up',
      stepUpScopes: ['admin'],
    })
  })

  test('a success after a step-up was asked for returns to authorized', async () => {
    const { handle } = await authorized({ world: { grantedScope: 'read' } })
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(handle.getSnapshot().status).toBe('needs-step-up')
    expect((await mcpCall(handle, 'tools/list')).status).toBe(200)
    expect(handle.getSnapshot().status).toBe('authorized')
    expect(handle.getSnapshot()).not.toHaveProperty('stepUpScopes')
  })

  test('a handle that never probed becomes authorized on the first success, clearing the error', async () => {
    const { storage, w } = await authorized()
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
      RESOURCE,
    )
    other.reportCorrupt('client:x')
    expect(other.getSnapshot()).toMatchObject({
      status: 'unknown',
      error: { code: 'storage_corrupt' },
    })
    expect((await mcpCall(other)).status).toBe(200)
    expect(other.getSnapshot().status).toBe('authorized')
    expect(other.getSnapshot().error).toBeUndefined()
  })

  test('a success while authorized keeps an error the fetch did not report', async () => {
    const { handle } = await authorized()
    handle.reportCorrupt('client:x')
    const before = handle.getSnapshot()
    expect((await mcpCall(handle)).status).toBe(200)
    expect(handle.getSnapshot()).toBe(before)
    expect(handle.getSnapshot().error?.code).toBe('storage_corrupt')
  })

  test('without tokens, a success opens an unknown server; an error answer does not', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const { at } = recorder()
    mock.use(
      at(`${RESOURCE}/fail`, () => new HttpResponse(null, { status: 500 })),
      at(`${RESOURCE}/x`, ok),
    )
    expect((await handle.fetch(`${RESOURCE}/fail`)).status).toBe(500)
    expect(handle.getSnapshot().status).toBe('unknown')
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(200)
    expect(handle.getSnapshot().status).toBe('open')
    // Open already: a further success changes nothing, an unrelated error stays.
    handle.reportCorrupt('client:x')
    const before = handle.getSnapshot()
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(200)
    expect(handle.getSnapshot()).toBe(before)
  })

  test('a success during a probe opens the server', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const gate = deferred()
    const { at } = recorder()
    mock.use(
      http.post(RESOURCE, async () => {
        await gate.promise
        return HttpResponse.json({ jsonrpc: '2.0', id: 1, result: {} })
      }),
      at(`${RESOURCE}/x`, ok),
    )
    const probe = handle.probe()
    expect(handle.getSnapshot().status).toBe('probing')
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(200)
    expect(handle.getSnapshot().status).toBe('open')
    gate.resolve()
    await probe
  })

  test('a network failure is reported, and the next answer of the server clears it', async () => {
    const { handle, at, storage } = await authorized()
    const record = await stored(storage)
    mock.use(
      at(`${RESOURCE}/down`, () => HttpResponse.error()),
      at(`${RESOURCE}/x`, ok),
    )
    await expect(handle.fetch(`${RESOURCE}/down`)).rejects.toMatchObject({
      code: 'network_error',
    })
    expect(handle.getSnapshot()).toMatchObject({
      status: 'authorized',
      error: { code: 'network_error' },
    })
    expect(await stored(storage)).toEqual(record)
    expect((await handle.fetch(`${RESOURCE}/x`)).status).toBe(200)
    expect(handle.getSnapshot().error).toBeUndefined()
  })
})

describe('server.fetch with a DPoP-bound token', () => {
  test('the challenge of the DPoP scheme is the one read', async () => {
    const w = createWorld()
    const d = dpopWorld(w)
    const { handle } = setupWorld(mock, w)
    mock.use(...d.handlers)
    expect((await handle.authorize()).tokenType).toBe('DPoP')
    const { seen, at } = recorder()
    mock.use(
      at(
        `${RESOURCE}/scoped`,
        () =>
          new HttpResponse(null, {
            status: 403,
            headers: {
              'www-authenticate':
                'Bearer error="invalid_token", DPoP error="insufficient_scope", scope="admin"',
            },
          }),
      ),
    )
    expect((await handle.fetch(`${RESOURCE}/scoped`)).status).toBe(403)
    expect(seen[0]!.authorization).toMatch(/^DPoP /)
    expect(handle.getSnapshot()).toMatchObject({
      status: 'needs-step-up',
      stepUpScopes: expect.arrayContaining(['admin']),
    })
  })
})
