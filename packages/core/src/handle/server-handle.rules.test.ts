import { createWorld, deferred, useMockServer, type WorldOptions } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { memoryStorage } from '../storage/memory.js'
import { dump, mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const world = (options: Partial<WorldOptions> = {}) => createWorld(options)
const form = (body: string) => new URLSearchParams(body)
const setup = (...args: Parameters<typeof setupWorld> extends [unknown, ...infer R] ? R : never) =>
  setupWorld(mock, ...args)

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('probe', () => {
  test('a challenged resource_metadata elsewhere is the only PRM URL asked', async () => {
    const w = world({ challenge: 'Bearer resource_metadata="https://meta.example.com/prm/mcp"' })
    const { handle } = setup(w)
    let served = 0
    mock.use(
      http.get('https://meta.example.com/prm/mcp', () => {
        served += 1
        return HttpResponse.json(w.options.prm)
      }),
    )
    expect((await handle.probe()).status).toBe('needs-authorization')
    expect(served).toBe(1)
    expect(w.hits('oauth-protected-resource')).toHaveLength(0)
  })

  test('a 403 with a Bearer challenge is unauthorized too', async () => {
    const w = world()
    const { handle } = setup(w)
    mock.use(
      http.post(
        w.options.resource,
        () =>
          new HttpResponse(null, {
            status: 403,
            headers: { 'www-authenticate': w.options.challenge! },
          }),
      ),
    )
    expect((await handle.probe()).status).toBe('needs-authorization')
  })

  test('a 401 whose header the browser hides falls back to well-known discovery', async () => {
    const w = world({ challenge: null, prmAt: 'root' })
    const { handle } = setup(w)
    expect((await handle.probe()).status).toBe('needs-authorization')
    expect(w.hits('oauth-protected-resource').map((r) => r.url)).toEqual([
      w.prmPathUrl,
      w.prmRootUrl,
    ])
  })

  test('the challenged scope is used for the authorization request', async () => {
    const w = world({
      challenge: `Bearer resource_metadata="${'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'}", scope="admin"`,
    })
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('scope')).toBe('admin offline_access')
  })

  test('without challenge scope, all of PRM scopes_supported', async () => {
    const w = world({ challenge: null })
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('scope')).toBe('read admin offline_access')
  })

  test('a PRM naming a sibling path of the server is a resource_mismatch; no AS is asked', async () => {
    const w = world({
      prm: {
        resource: 'https://mcp.example.com/mcp-evil',
        authorization_servers: ['https://auth.example.com'],
      },
    })
    const { handle } = setup(w)
    expect(await handle.probe()).toMatchObject({
      status: 'error',
      error: { code: 'resource_mismatch' },
    })
    expect(w.requests.filter((r) => r.url.startsWith('https://auth.example.com'))).toEqual([])
  })

  test('an AS whose metadata has the wrong JSON types is refused', async () => {
    const w = world({ as: { scopes_supported: 'read admin' } })
    const { handle } = setup(w)
    expect(await handle.probe()).toMatchObject({
      status: 'error',
      error: { code: 'invalid_authorization_server_metadata' },
    })
  })
})

describe('the resource identifier, exactly as published', () => {
  test('a pathless resource has no trailing slash in authorization, token and refresh requests', async () => {
    const resource = 'https://mcp.example.com'
    const w = world({ resource, accessTokenTtl: 0 })
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    w.options.accessTokenTtl = 3600
    await handle.getAccessToken()
    const sent = [
      w.navigations()[0]!.searchParams.get('resource'),
      form(w.grants('authorization_code')[0]!.body).get('resource'),
      form(w.grants('refresh_token')[0]!.body).get('resource'),
    ]
    expect(sent).toEqual([resource, resource, resource])
    expect(w.navigations()[0]!.href).not.toContain(encodeURIComponent(`${resource}/`))
  })

  test('a PRM resource broader than the server URL is sent as published', async () => {
    const w = world()
    w.options.prm = {
      resource: 'https://mcp.example.com/',
      authorization_servers: [w.options.issuer],
    }
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('resource')).toBe('https://mcp.example.com/')
    expect(form(w.grants('authorization_code')[0]!.body).get('resource')).toBe(
      'https://mcp.example.com/',
    )
  })
})

describe('registration', () => {
  test('pre-registered public client (none): client_id in the body, no Authorization, no secret', async () => {
    const w = world()
    const { handle } = setup(w, {
      auth: { preRegistered: { 'https://auth.example.com': { clientId: 'public-app' } } },
    })
    await handle.authorize()
    const token = w.grants('authorization_code')[0]!
    expect(token.headers.get('authorization')).toBeNull()
    expect(form(token.body).get('client_id')).toBe('public-app')
    expect(form(token.body).has('client_secret')).toBe(false)
    expect(w.hits('/register')).toHaveLength(0)
  })

  test('a dynamically registered confidential client authenticates as registered on token, refresh and revoke', async () => {
    const w = world({
      as: { token_endpoint_auth_methods_supported: ['client_secret_post'] },
      accessTokenTtl: 0,
    })
    const { handle } = setup(w)
    await handle.authorize()
    const registered = JSON.parse(w.hits('/register')[0]!.body) as Record<string, unknown>
    expect(registered.token_endpoint_auth_method).toBe('client_secret_post')
    const [clientId, client] = [...w.clients][0]!
    const exchange = form(w.grants('authorization_code')[0]!.body)
    expect(exchange.get('client_id')).toBe(clientId)
    expect(exchange.get('client_secret')).toBe(client.secret)
    w.options.accessTokenTtl = 3600
    await handle.getAccessToken()
    expect(form(w.grants('refresh_token')[0]!.body).get('client_secret')).toBe(client.secret)
    await handle.disconnect()
    for (const revocation of w.hits('/revoke')) {
      expect(form(revocation.body).get('client_secret')).toBe(client.secret)
    }
  })

  test('a registration is stored per issuer and reused by another server on the same AS', async () => {
    const w = world()
    const other = createWorld({ resource: 'https://mcp2.example.com/mcp' })
    const { auth, storage } = setup(w)
    mock.use(...other.handlers.slice(0, 1))
    await auth.server(w.options.resource).authorize()
    expect(await storage.keys('client:')).toEqual([`client:${w.options.issuer} ${REDIRECT}`])
    other.options.prm = {
      resource: other.options.resource,
      authorization_servers: [w.options.issuer],
      scopes_supported: ['read', 'admin'],
    }
    const second = auth.server(other.options.resource)
    await second.probe()
    await second.authorize()
    expect(w.hits('/register')).toHaveLength(1)
    const ids = w.navigations().map((u) => u.searchParams.get('client_id'))
    expect(ids[1]).toBe(ids[0])
  })

  test.each([
    ['invalid_redirect_uri', 'registration_refused'],
    ['server-error', 'server_error'],
  ] as const)(
    'a registration answered %s fails with %s and opens nothing',
    async (registration, code) => {
      const w = world({ registration })
      const { handle } = setup(w)
      await expect(handle.authorize()).rejects.toMatchObject({ code })
      expect(handle.getSnapshot().error?.code).toBe(code)
      expect(w.navigations()).toHaveLength(0)
    },
  )

  test('a typed client ID is bound to its issuer: after an AS change it is never sent to the new AS', async () => {
    const w = world({ as: { registration_endpoint: undefined } })
    const { handle } = setup(w)
    expect((await handle.probe()).status).toBe('needs-client-id')
    await handle.submitClientId({ clientId: 'typed-for-as1' })
    await handle.authorize()

    const issuer2 = 'https://auth2.example.com'
    w.options.prm = { resource: w.options.resource, authorization_servers: [issuer2] }
    w.options.issuer = issuer2
    w.accessTokens.clear()
    expect((await mcpCall(handle)).status).toBe(401)
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'client_id_required' })
    expect(handle.getSnapshot()).toMatchObject({ status: 'needs-client-id', issuer: issuer2 })
    expect(w.navigations()).toHaveLength(1)
    expect(
      w.requests.some((r) => r.url.startsWith(issuer2) && r.body.includes('typed-for-as1')),
    ).toBe(false)
  })
})

describe('authorization request', () => {
  test('a second authorize() on the same server supersedes the first; no pending record is left', async () => {
    const w = world()
    mock.use(...w.handlers)
    const storage = memoryStorage()
    const gates = [deferred(), deferred()]
    let calls = 0
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      // A headless driver that ignores the abort signal and answers late.
      driver: async (request) => {
        const gate = gates[calls++]!
        const callback = await w.driver()(request)
        await gate.promise
        return callback
      },
    })
    const handle = auth.server(w.options.resource)
    const first = handle.authorize()
    await expect.poll(() => calls).toBe(1)
    const second = handle.authorize()
    await expect.poll(() => calls).toBe(2)
    const states = w.navigations().map((u) => u.searchParams.get('state'))
    expect(new Set(states).size).toBe(2)
    expect((await storage.keys('pending:')).sort()).toEqual(
      states.map((s) => `pending:${s}`).sort(),
    )
    gates[0]!.resolve()
    await expect(first).rejects.toMatchObject({ code: 'cancelled' })
    gates[1]!.resolve()
    expect((await second).status).toBe('authorized')
    expect(w.grants('authorization_code')).toHaveLength(1)
    expect(await storage.keys('pending:')).toEqual([])
  })

  test('a javascript: authorization endpoint never reaches the driver, nor registration', async () => {
    const w = world({ as: { authorization_endpoint: 'javascript:alert(1)' } })
    const { handle } = setup(w)
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'insecure_url' })
    expect(w.navigations()).toHaveLength(0)
    expect(w.hits('/register')).toHaveLength(0)
  })
})

describe('callback (RFC 9207, state, replay)', () => {
  test('iss present and different while not advertised → rejected, no exchange', async () => {
    const w = world({ as: { authorization_response_iss_parameter_supported: false } })
    const { handle } = setup(w, { response: { iss: 'https://auth.example.com/' } })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'iss_mismatch' })
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('iss absent and not advertised → accepted', async () => {
    const w = world({ as: { authorization_response_iss_parameter_supported: undefined } })
    const { handle } = setup(w, { response: { iss: null } })
    expect((await handle.authorize()).status).toBe('authorized')
  })

  test('an AS error with a mismatched iss: error status, and its text is nowhere in the snapshot', async () => {
    const w = world()
    mock.use(...w.handlers)
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: async ({ url }) => {
        const request = new URL(url)
        const callback = new URL(request.searchParams.get('redirect_uri')!)
        callback.searchParams.set('error', 'access_denied')
        callback.searchParams.set('error_description', 'Call +1-555-PHISH to unlock')
        callback.searchParams.set('state', request.searchParams.get('state')!)
        callback.searchParams.set('iss', 'https://attacker.example')
        return callback.href
      },
    })
    const handle = auth.server(w.options.resource)
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'iss_mismatch' })
    const snapshot = handle.getSnapshot()
    expect(snapshot.status).toBe('error')
    const visible = JSON.stringify({
      snapshot,
      details: snapshot.error?.details,
      message: snapshot.error?.message,
    })
    expect(visible).not.toContain('PHISH')
    expect(visible).not.toContain('access_denied')
  })

  test('a callback after the pending record expired → timeout, no exchange', async () => {
    const w = world()
    mock.use(...w.handlers)
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: async (request) => {
        const callback = await w.driver()(request)
        const later = Date.now() + 11 * 60 * 1000
        vi.spyOn(Date, 'now').mockReturnValue(later)
        return callback
      },
    })
    await expect(auth.server(w.options.resource).authorize()).rejects.toMatchObject({
      code: 'timeout',
    })
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('a full-page redirect completes after a reload from the stored pending record', async () => {
    const w = world()
    mock.use(...w.handlers)
    const storage = memoryStorage()
    let callbackUrl = ''
    const before = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      // The page navigates away: the flow never resolves in this instance.
      driver: async (request) => {
        callbackUrl = await w.driver()(request)
        return new Promise<string>(() => {})
      },
    })
    void before.server(w.options.resource).authorize({ returnTo: 'https://app.example/chat' })
    await expect.poll(() => callbackUrl).not.toBe('')
    await expect.poll(async () => (await storage.keys('pending:')).length).toBe(1)

    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect(callbackUrl)
    expect(done?.returnTo).toBe('https://app.example/chat')
    expect(done?.server.getSnapshot().status).toBe('authorized')
    expect(await storage.keys('pending:')).toEqual([])
    expect(await after.completeRedirect(callbackUrl)).toBeUndefined()
    expect(
      await after.completeRedirect('https://app.example/cb?code=x&state=unknown'),
    ).toBeUndefined()
    expect(w.grants('authorization_code')).toHaveLength(1)
  })
  test('a redirect completes on the handle of the server, even when the PRM resource is broader', async () => {
    const w = world()
    w.options.prm = {
      resource: 'https://mcp.example.com',
      authorization_servers: [w.options.issuer],
    }
    mock.use(...w.handlers)
    const storage = memoryStorage()
    let callbackUrl = ''
    const before = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      driver: async (request) => {
        callbackUrl = await w.driver()(request)
        return new Promise<string>(() => {})
      },
    })
    void before.server(w.options.resource).authorize()
    await expect.poll(() => callbackUrl).not.toBe('')
    await expect.poll(async () => (await storage.keys('pending:')).length).toBe(1)

    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect(callbackUrl)
    expect(done?.server.url).toBe(w.options.resource)
    expect(after.servers().map((h) => h.url)).toEqual([w.options.resource])
    expect(await storage.keys('tokens:')).toEqual([`tokens:${w.options.resource}`])
    expect((await mcpCall(after.server(w.options.resource))).status).toBe(200)
  })
})

describe('refresh', () => {
  async function authorizedExpiring(options: Partial<WorldOptions> = {}) {
    const w = world({ accessTokenTtl: 0, ...options })
    const ctx = setup(w)
    await ctx.handle.probe()
    await ctx.handle.authorize()
    w.options.accessTokenTtl = 3600
    return { w, ...ctx }
  }

  test.each(['network-error', 'server-error'] as const)(
    'a %s keeps every stored record and the snapshot usable',
    async (refresh) => {
      const { w, handle, storage } = await authorizedExpiring({ refresh })
      const before = await dump(storage)
      expect(Object.keys(before).some((k) => k.startsWith('client:'))).toBe(true)
      const error = await handle.getAccessToken().catch((e: unknown) => e)
      expect(error).toMatchObject({ transient: true })
      expect(await dump(storage)).toEqual(before)
      expect(handle.getSnapshot()).toMatchObject({
        status: 'authorized',
        issuer: w.options.issuer,
        scopes: ['read', 'offline_access'],
      })
      // server.fetch surfaces the same transient error and still deletes nothing.
      await expect(mcpCall(handle)).rejects.toMatchObject({ transient: true })
      expect(await dump(storage)).toEqual(before)
      expect(handle.getSnapshot().status).toBe('authorized')
    },
  )

  test('an expired token without a refresh token → needs-authorization', async () => {
    const w = world({ accessTokenTtl: 0 })
    const { handle, storage } = setup(w)
    await handle.authorize()
    const key = `tokens:${w.options.resource}`
    const record = (await storage.get(key)) as Record<string, unknown>
    delete record.refreshToken
    await storage.set(key, record)
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const handle2 = reloaded.server(w.options.resource)
    await expect(handle2.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect(handle2.getSnapshot().status).toBe('needs-authorization')
    expect(w.grants('refresh_token')).toHaveLength(0)
  })

  test('three tabs (three instances, one storage, Web Locks) on an expired token → one refresh', async () => {
    const w = world({ accessTokenTtl: 0, tokenDelay: 20 })
    mock.use(...w.handlers)
    const storage = memoryStorage()
    const tab1 = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    await tab1.server(w.options.resource).authorize()
    w.options.accessTokenTtl = 3600
    // A minimal exclusive Web Locks implementation shared by the "tabs".
    const queues = new Map<string, Promise<unknown>>()
    const request = vi.fn((name: string, _options: unknown, task: () => Promise<unknown>) => {
      const previous = queues.get(name) ?? Promise.resolve()
      const run = previous.then(task, task)
      queues.set(
        name,
        run.catch(() => {}),
      )
      return run
    })
    vi.stubGlobal('navigator', { locks: { request } })
    const tabs = [
      tab1,
      ...[1, 2].map(() => createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })),
    ]
    const tokens = await Promise.all(
      tabs.flatMap((tab) =>
        Array.from({ length: 10 }, () => tab.server(w.options.resource).getAccessToken()),
      ),
    )
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(new Set(tokens).size).toBe(1)
    expect(request).toHaveBeenCalled()
  })
})

describe('server.fetch', () => {
  async function authorized(options: Partial<WorldOptions> = {}) {
    const w = world(options)
    const ctx = setup(w)
    await ctx.handle.probe()
    await ctx.handle.authorize()
    return { w, ...ctx }
  }

  test('the bearer goes to paths under the resource, with a Request object too', async () => {
    const { handle } = await authorized()
    const seen: Array<string | null> = []
    mock.use(
      http.all('https://mcp.example.com/mcp/*', ({ request }) => {
        seen.push(request.headers.get('authorization'))
        return HttpResponse.json({})
      }),
    )
    await handle.fetch(
      new Request('https://mcp.example.com/mcp/messages', { method: 'POST', body: '{}' }),
    )
    await handle.fetch('https://mcp.example.com/mcp/sse?session=1')
    expect(seen).toEqual([
      expect.stringMatching(/^Bearer at-/),
      expect.stringMatching(/^Bearer at-/),
    ])
  })

  test('a 401 invalid_token that persists after the refresh: one refresh, one retry, then needs-authorization', async () => {
    const { w, handle } = await authorized()
    let posts = 0
    mock.use(
      http.post(w.options.resource, () => {
        posts += 1
        return HttpResponse.json(
          {},
          { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
        )
      }),
    )
    expect((await mcpCall(handle)).status).toBe(401)
    expect(posts).toBe(2)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(handle.getSnapshot().status).toBe('needs-authorization')
  })

  test('ten concurrent requests refused with invalid_token share one refresh', async () => {
    const { w, handle } = await authorized({ tokenDelay: 20 })
    w.accessTokens.clear()
    const responses = await Promise.all(Array.from({ length: 10 }, () => mcpCall(handle)))
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(w.grants('refresh_token')).toHaveLength(1)
  })

  test('a 403 that is not insufficient_scope is no step-up', async () => {
    const { w, handle } = await authorized()
    mock.use(
      http.post(w.options.resource, () =>
        HttpResponse.json(
          {},
          { status: 403, headers: { 'www-authenticate': 'Bearer error="forbidden"' } },
        ),
      ),
    )
    expect((await mcpCall(handle)).status).toBe(403)
    expect(handle.getSnapshot().status).toBe('authorized')
  })

  test('step-up starts a new authorization, never a refresh, and keeps the granted scopes', async () => {
    const { w, handle } = await authorized()
    await mcpCall(handle, 'tools/call', { name: 'admin' })
    await handle.authorize()
    expect(w.grants('refresh_token')).toHaveLength(0)
    expect(w.navigations()).toHaveLength(2)
    const scopes = w.navigations()[1]!.searchParams.get('scope')!.split(' ')
    expect(scopes).toEqual(expect.arrayContaining(['read', 'admin']))
  })

  test('the step-up budget is per operation: another tool can still step up', async () => {
    const { w, handle } = await authorized({ grantedScope: 'read', adminTools: ['admin', 'other'] })
    let refused: unknown
    for (let i = 0; i < 5 && !refused; i++) {
      await mcpCall(handle, 'tools/call', { name: 'admin' })
      refused = await handle.authorize().then(
        () => undefined,
        (e: unknown) => e,
      )
    }
    expect(refused).toMatchObject({ code: 'step_up_limit' })
    expect(handle.getSnapshot().status).toBe('error')
    const navigations = w.navigations().length
    expect((await mcpCall(handle, 'tools/call', { name: 'other' })).status).toBe(403)
    expect(handle.getSnapshot().status).toBe('needs-step-up')
    await handle.authorize()
    expect(w.navigations()).toHaveLength(navigations + 1)
  })

  test('an app-set Authorization header passes untouched even when the stored token expired', async () => {
    const { w, handle } = await authorized({ accessTokenTtl: 0 })
    const before = w.requests.length
    const response = await handle.fetch(
      new Request(w.options.resource, {
        method: 'POST',
        headers: { Authorization: 'Bearer mine' },
        body: '{}',
      }),
    )
    expect(response.status).toBe(401)
    const sent = w.requests.slice(before)
    expect(sent.map((r) => r.headers.get('authorization'))).toEqual(['Bearer mine'])
    expect(w.grants('refresh_token')).toHaveLength(0)
  })
})

describe('disconnect', () => {
  test('without a revocation endpoint nothing is sent and local state is cleared', async () => {
    const w = world({ as: { revocation_endpoint: undefined } })
    const { handle, storage } = setup(w)
    await handle.authorize()
    expect((await handle.disconnect()).status).toBe('disconnected')
    expect(w.hits('/revoke')).toHaveLength(0)
    expect(await storage.keys('tokens:')).toEqual([])
  })

  test.each(['server-error', 'network-error'] as const)(
    'a revocation %s still clears tokens, after trying both tokens in order',
    async (revocation) => {
      const w = world({ revocation })
      const { handle, storage } = setup(w)
      await handle.authorize()
      const snapshot = await handle.disconnect()
      expect(snapshot).toMatchObject({ status: 'disconnected', scopes: [] })
      expect(snapshot.error).toBeUndefined()
      expect(w.hits('/revoke').map((r) => form(r.body).get('token_type_hint'))).toEqual([
        'refresh_token',
        'access_token',
      ])
      expect(await storage.keys('tokens:')).toEqual([])
    },
  )
})

describe('snapshot', () => {
  test('no snapshot ever holds a token, a secret or a verifier, through a whole life cycle', async () => {
    const w = world({ accessTokenTtl: 0 })
    const { handle, storage } = setup(w, {
      auth: {
        preRegistered: {
          'https://auth.example.com': { clientId: 'app', clientSecret: 'super-secret-value' },
        },
      },
    })
    const seen: unknown[] = []
    handle.subscribe((s) => seen.push(s))
    await handle.probe()
    let verifier = ''
    const originalSet = storage.set.bind(storage)
    storage.set = async (key, value) => {
      if (key.startsWith('pending:')) verifier = (value as { codeVerifier: string }).codeVerifier
      return originalSet(key, value)
    }
    await handle.authorize()
    w.options.accessTokenTtl = 3600
    await handle.getAccessToken()
    await mcpCall(handle, 'tools/call', { name: 'admin' })
    await handle.disconnect()
    const secrets = [...w.accessTokens.keys(), ...w.revoked, 'super-secret-value', verifier]
    expect(verifier).not.toBe('')
    expect(secrets.length).toBeGreaterThan(3)
    const statuses = seen.map((s) => (s as { status: string }).status)
    expect(statuses).toEqual(
      expect.arrayContaining([
        'authorizing',
        'authorized',
        'refreshing',
        'needs-step-up',
        'disconnected',
      ]),
    )
    for (const snapshot of seen) {
      const json = JSON.stringify(snapshot)
      for (const secret of secrets) expect(json).not.toContain(secret)
    }
  })

  test('getSnapshot keeps its identity until something changes, then changes it', async () => {
    const { handle } = setup(world())
    const first = handle.getSnapshot()
    expect(handle.getSnapshot()).toBe(first)
    await handle.probe()
    const second = handle.getSnapshot()
    expect(second).not.toBe(first)
    expect(handle.getSnapshot()).toBe(second)
  })
})
