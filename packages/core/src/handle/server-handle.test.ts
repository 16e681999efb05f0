import { createWorld, type World, type WorldOptions } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { McpAuthOptions } from '../contracts/options.js'
import type { TokenStorage } from '../contracts/storage.js'
import { memoryStorage } from '../storage/memory.js'

const mock = setupServer()
beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mock.resetHandlers())
afterAll(() => mock.close())

const REDIRECT = 'https://app.example/cb'

function setup(
  world: World,
  options: {
    storage?: TokenStorage
    response?: Parameters<World['driver']>[0]
    auth?: Partial<McpAuthOptions>
  } = {},
) {
  mock.use(...world.handlers)
  const storage = options.storage ?? memoryStorage()
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage,
    driver: world.driver(options.response),
    ...options.auth,
  })
  return { auth, storage, handle: auth.server(world.options.resource) }
}

const world = (options: Partial<WorldOptions> = {}) => createWorld(options)

/** An MCP request through the handle. */
const call = (
  handle: { fetch: typeof fetch; url: string },
  method = 'tools/list',
  params: Record<string, unknown> = {},
) =>
  handle.fetch(handle.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })

const form = (body: string) => new URLSearchParams(body)

describe('probe and discovery', () => {
  test('uses the challenged resource_metadata and then does not probe the root', async () => {
    const w = world()
    const { handle } = setup(w)
    const snapshot = await handle.probe()
    expect(snapshot).toMatchObject({
      status: 'needs-authorization',
      issuer: w.options.issuer,
      registration: 'dynamic',
    })
    expect(w.hits(w.prmPathUrl)).toHaveLength(1)
    expect(w.requests.some((r) => r.url === w.prmRootUrl)).toBe(false)
  })

  test('without a challenge URL: the path-aware well-known URL, then the root one', async () => {
    const w = world({ challenge: 'Bearer scope="read"', prmAt: 'root' })
    const { handle } = setup(w)
    expect((await handle.probe()).status).toBe('needs-authorization')
    const prmRequests = w.requests.filter((r) => r.url.includes('oauth-protected-resource'))
    expect(prmRequests.map((r) => r.url)).toEqual([w.prmPathUrl, w.prmRootUrl])
  })

  test('a PRM whose resource names another server stops with resource_mismatch', async () => {
    const w = world({
      prm: {
        resource: 'https://other.example.com/mcp',
        authorization_servers: ['https://auth.example.com'],
      },
    })
    const { handle } = setup(w)
    const snapshot = await handle.probe()
    expect(snapshot.status).toBe('error')
    expect(snapshot.error?.code).toBe('resource_mismatch')
    expect(w.hits('/.well-known/oauth-authorization-server')).toHaveLength(0)
  })

  test.each([
    [
      {
        resource: 'https://mcp.example.com/mcp',
        authorization_servers: 'https://auth.example.com',
      },
    ],
    [{ resource: 42, authorization_servers: ['https://auth.example.com'] }],
    [{ resource: 'https://mcp.example.com/mcp', authorization_servers: [] }],
  ])('malformed PRM %j is a typed error', async (prm) => {
    const { handle } = setup(world({ prm }))
    expect(await handle.probe()).toMatchObject({
      status: 'error',
      error: { code: 'invalid_resource_metadata' },
    })
  })

  test.each([
    ['issuer with a trailing slash', { issuer: 'https://auth.example.com/' }, 'issuer_mismatch'],
    ['no S256', { code_challenge_methods_supported: ['plain'] }, 'pkce_not_supported'],
    ['PKCE methods absent', { code_challenge_methods_supported: undefined }, 'pkce_not_supported'],
    ['http token endpoint', { token_endpoint: 'http://auth.example.com/token' }, 'insecure_url'],
    [
      'javascript: authorization endpoint',
      { authorization_endpoint: 'javascript:alert(1)' },
      'insecure_url',
    ],
  ])('AS metadata with %s is refused', async (_name, as, code) => {
    const w = world({ as })
    const { handle } = setup(w)
    expect(await handle.probe()).toMatchObject({ status: 'error', error: { code } })
    await expect(handle.authorize()).rejects.toMatchObject({ code })
    expect(w.navigations()).toHaveLength(0)
  })

  test('an issuer with a path: all three candidates, concurrently, never the root URL', async () => {
    const issuer = 'https://auth.example.com/tenant'
    const w = world({ issuer, asAt: 'oidc' })
    w.options.prm = { resource: w.options.resource, authorization_servers: [issuer] }
    let firstAnswered = false
    let secondAskedBeforeFirstAnswered = false
    const { handle } = setup(w)
    mock.use(
      http.get(
        'https://auth.example.com/.well-known/oauth-authorization-server/tenant',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 50))
          firstAnswered = true
          return new HttpResponse(null, { status: 404 })
        },
      ),
      http.get(
        'https://auth.example.com/.well-known/openid-configuration/tenant',
        ({ request }) => {
          secondAskedBeforeFirstAnswered = !firstAnswered
          return HttpResponse.json({
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            code_challenge_methods_supported: ['S256'],
            registration_endpoint: `${issuer}/register`,
            _url: request.url,
          })
        },
      ),
    )
    expect((await handle.probe()).issuer).toBe(issuer)
    expect(secondAskedBeforeFirstAnswered).toBe(true)
    expect(w.hits('https://auth.example.com/tenant/.well-known/openid-configuration')).toHaveLength(
      1,
    )
    expect(
      w.requests.some(
        (r) => r.url === 'https://auth.example.com/.well-known/oauth-authorization-server',
      ),
    ).toBe(false)
  })

  test('a root issuer whose metadata is only at the OIDC URL', async () => {
    const { handle } = setup(world({ asAt: 'oidc' }))
    expect((await handle.probe()).status).toBe('needs-authorization')
  })

  test('an open server is open; 5xx and network failures are transient errors', async () => {
    const open = setup(world()).handle
    mock.use(http.post(open.url, () => HttpResponse.json({ jsonrpc: '2.0', id: 1, result: {} })))
    expect((await open.probe()).status).toBe('open')
    mock.resetHandlers()

    const failing = setup(world()).handle
    mock.use(http.post(failing.url, () => new HttpResponse(null, { status: 502 })))
    expect(await failing.probe()).toMatchObject({
      status: 'error',
      error: { code: 'server_error' },
    })
    mock.resetHandlers()

    const { handle } = setup(world())
    mock.use(http.post(handle.url, () => HttpResponse.error()))
    const offline = await handle.probe()
    expect(offline).toMatchObject({ status: 'error', error: { code: 'network_error' } })
    expect(offline.error?.transient).toBe(true)
    expect(handle.getSnapshot()).toBe(offline)
  })

  test('probe() and retry() never reject: a failure is the snapshot they resolve with', async () => {
    const { handle } = setup(world())
    let offline = true
    mock.use(http.post(handle.url, () => (offline ? HttpResponse.error() : undefined)))
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      // Fire and forget, as a UI does: nothing may surface as an unhandled rejection.
      void handle.probe()
      const retried = await handle.retry()
      expect(retried).toMatchObject({ status: 'error', error: { code: 'network_error' } })
      offline = false
      expect((await handle.retry()).status).toBe('needs-authorization')
      expect(handle.getSnapshot().error).toBeUndefined()
      await new Promise((resolve) => setTimeout(resolve, 0))
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
  })

  test('a server that wants a token but publishes no metadata needs a static token', async () => {
    const w = world({ challenge: 'Bearer realm="mcp"', prm: null, as: null })
    const { handle } = setup(w)
    expect((await handle.probe()).status).toBe('needs-token')
  })
})

describe('registration', () => {
  test('dynamic registration: web for https redirects, refresh_token grant, public client', async () => {
    const w = world()
    const { handle } = setup(w)
    await handle.authorize()
    const body = JSON.parse(w.hits('/register')[0]!.body) as Record<string, unknown>
    expect(body).toMatchObject({
      application_type: 'web',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      response_types: ['code'],
    })
    expect(body.grant_types).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    )
  })

  test('dynamic registration: native for a loopback redirect URI', async () => {
    const w = world()
    mock.use(...w.handlers)
    const auth = createMcpAuth({
      redirectUri: 'http://127.0.0.1:8765/cb',
      storage: memoryStorage(),
      driver: w.driver(),
    })
    await auth.server(w.options.resource).authorize()
    expect(JSON.parse(w.hits('/register')[0]!.body)).toMatchObject({ application_type: 'native' })
  })

  test('pre-registered credentials with client_secret_basic: no registration, Basic auth', async () => {
    const w = world()
    const { handle } = setup(w, {
      auth: {
        preRegistered: {
          'https://auth.example.com': { clientId: 'my-app', clientSecret: 's3-cret' },
        },
      },
    })
    expect((await handle.authorize()).registration).toBe('pre-registered')
    expect(w.hits('/register')).toHaveLength(0)
    const token = w.grants('authorization_code')[0]!
    expect(token.headers.get('authorization')).toBe(`Basic ${btoa('my-app:s3-cret')}`)
    expect(form(token.body).has('client_secret')).toBe(false)
  })

  test('pre-registered credentials with client_secret_post', async () => {
    const w = world()
    const { handle } = setup(w, {
      auth: {
        preRegistered: {
          'https://auth.example.com': {
            clientId: 'my-app',
            clientSecret: 'pw',
            tokenEndpointAuthMethod: 'client_secret_post',
          },
        },
      },
    })
    await handle.authorize()
    const body = form(w.grants('authorization_code')[0]!.body)
    expect(body.get('client_id')).toBe('my-app')
    expect(body.get('client_secret')).toBe('pw')
  })

  test('credentials for another issuer are never used', async () => {
    const w = world()
    const { handle } = setup(w, {
      auth: { preRegistered: { 'https://other-as.example.com': { clientId: 'other' } } },
    })
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('client_id')).not.toBe('other')
  })

  test('a client ID metadata document when the AS supports it', async () => {
    const w = world({ as: { client_id_metadata_document_supported: true } })
    const metadataUrl = 'https://app.example/oauth/client.json'
    const { handle } = setup(w, { auth: { client: { metadataUrl } } })
    expect((await handle.probe()).registration).toBe('metadata-document')
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('client_id')).toBe(metadataUrl)
    expect(w.hits('/register')).toHaveLength(0)
  })

  test('no registration possible → needs-client-id; a blank ID is refused', async () => {
    const w = world({ as: { registration_endpoint: undefined } })
    const { handle } = setup(w)
    expect((await handle.probe()).status).toBe('needs-client-id')
    await expect(handle.submitClientId({ clientId: '   ' })).rejects.toMatchObject({
      code: 'invalid_client_id',
    })
    expect(handle.getSnapshot().status).toBe('needs-client-id')
    expect((await handle.submitClientId({ clientId: ' typed-id ' })).status).toBe(
      'needs-authorization',
    )
    const done = await handle.authorize()
    expect(done.registration).toBe('manual')
    expect(w.navigations()[0]!.searchParams.get('client_id')).toBe('typed-id')
  })

  test('an AS change registers again and never sends the old client ID to the new AS', async () => {
    const w = world()
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    const oldClientId = w.navigations()[0]!.searchParams.get('client_id')!

    // The resource moves to a new authorization server and stops accepting old tokens.
    const issuer2 = 'https://auth2.example.com'
    w.options.prm = { resource: w.options.resource, authorization_servers: [issuer2] }
    w.options.issuer = issuer2
    w.accessTokens.clear()
    expect((await call(handle)).status).toBe(401)
    expect(handle.getSnapshot().status).toBe('needs-authorization')

    const done = await handle.authorize()
    expect(done.issuer).toBe(issuer2)
    const toNewAs = w.requests.filter((r) => r.url.startsWith(issuer2))
    expect(toNewAs.some((r) => r.url === `${issuer2}/register`)).toBe(true)
    const navigation = w.navigations().at(-1)!
    expect(navigation.origin).toBe(issuer2)
    expect(navigation.searchParams.get('client_id')).not.toBe(oldClientId)
    expect(toNewAs.some((r) => r.body.includes(oldClientId))).toBe(false)
    expect((await call(handle)).status).toBe(200)
  })
})

describe('authorization request and callback', () => {
  test('PKCE S256, state, resource and scope; the same resource at the token endpoint', async () => {
    const w = world()
    const { handle } = setup(w)
    await handle.probe()
    const before = Date.now()
    const snapshot = await handle.authorize()
    const url = w.navigations()[0]!
    expect(url.origin + url.pathname).toBe('https://auth.example.com/authorize')
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url.searchParams.get('state')).toBeTruthy()
    expect(url.searchParams.get('resource')).toBe(w.options.resource)
    expect(url.searchParams.get('scope')).toBe('read offline_access')
    const token = form(w.grants('authorization_code')[0]!.body)
    expect(token.get('resource')).toBe(w.options.resource)
    expect(token.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/)
    expect(token.get('redirect_uri')).toBe(REDIRECT)
    expect(snapshot.status).toBe('authorized')
    expect(snapshot.scopes).toEqual(['read', 'offline_access'])
    expect(snapshot.expiresAt).toBeGreaterThanOrEqual(before + 3600_000)
  })

  test('a pathless resource is sent exactly as the PRM publishes it, without a slash', async () => {
    const resource = 'https://mcp.example.com'
    const w = world({ resource })
    const { handle } = setup(w)
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('resource')).toBe(resource)
    expect(form(w.grants('authorization_code')[0]!.body).get('resource')).toBe(resource)
  })

  test('scope is omitted when neither challenge nor PRM names one', async () => {
    const w = world({
      challenge: `Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`,
    })
    w.options.prm = { resource: w.options.resource, authorization_servers: [w.options.issuer] }
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.has('scope')).toBe(false)
  })

  test('offline_access is not requested when the AS does not list it', async () => {
    const w = world({ as: { scopes_supported: ['read', 'admin'] } })
    const { handle } = setup(w)
    await handle.probe()
    await handle.authorize()
    expect(w.navigations()[0]!.searchParams.get('scope')).toBe('read')
  })

  test.each([
    ['iss missing while advertised', { iss: null }, 'iss_missing'],
    ['iss from another issuer', { iss: 'https://evil.example' }, 'iss_mismatch'],
    ['a state from another flow', { state: 'forged' }, 'state_mismatch'],
  ])('%s → rejected, no code exchange', async (_name, response, code) => {
    const w = world()
    const { handle, storage } = setup(w, { response })
    await expect(handle.authorize()).rejects.toMatchObject({ code })
    expect(handle.getSnapshot()).toMatchObject({ status: 'error', error: { code } })
    expect(w.grants('authorization_code')).toHaveLength(0)
    expect(await storage.keys('pending:')).toEqual([])
  })

  test('access_denied → cancelled, and authorize works afterwards', async () => {
    const w = world()
    mock.use(...w.handlers)
    let deny = true
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: (request) => (deny ? w.driver({ error: 'access_denied' }) : w.driver())(request),
    })
    const handle = auth.server(w.options.resource)
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'access_denied' })
    expect(handle.getSnapshot().status).toBe('cancelled')
    deny = false
    expect((await handle.authorize()).status).toBe('authorized')
  })

  test('a callback is used once: a duplicate is refused and exchanges nothing', async () => {
    const w = world()
    mock.use(...w.handlers)
    let callbackUrl = ''
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: async (request) => {
        callbackUrl = await w.driver()(request)
        return callbackUrl
      },
    })
    const handle = auth.server(w.options.resource)
    await handle.authorize()
    await expect(handle.completeCallback(callbackUrl)).rejects.toMatchObject({
      code: 'callback_replayed',
    })
    await expect(auth.completeRedirect(callbackUrl)).resolves.toBeUndefined()
    expect(w.grants('authorization_code')).toHaveLength(1)
  })

  test('two flows at once keep two pending records, each finished by its own callback', async () => {
    const w = world()
    w.options.prm = null
    const second = createWorld({
      resource: 'https://mcp2.example.com/mcp',
      issuer: 'https://auth2.example.com',
    })
    mock.use(...second.handlers, ...w.handlers)
    w.options.prm = {
      resource: w.options.resource,
      authorization_servers: [w.options.issuer],
      scopes_supported: ['read'],
    }
    const storage = memoryStorage()
    const releases: Array<() => void> = []
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      driver: async (request) => {
        const owner =
          new URL(request.url).searchParams.get('resource') === second.options.resource ? second : w
        const callback = await owner.driver()(request)
        await new Promise<void>((resolve) => releases.push(resolve))
        return callback
      },
    })
    const flows = [
      auth.server(w.options.resource).authorize(),
      auth.server(second.options.resource).authorize(),
    ]
    await expect.poll(() => releases.length).toBe(2)
    expect(await storage.keys('pending:')).toHaveLength(2)
    for (const release of releases) release()
    const results = await Promise.all(flows)
    expect(results.map((r) => r.status)).toEqual(['authorized', 'authorized'])
    expect(await storage.keys('pending:')).toHaveLength(0)
  })

  test('cancel() during a flow → cancelled', async () => {
    const w = world()
    mock.use(...w.handlers)
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: ({ signal }) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    })
    const handle = auth.server(w.options.resource)
    const flow = handle.authorize()
    await expect.poll(() => handle.getSnapshot().status).toBe('authorizing')
    handle.cancel()
    await expect(flow).rejects.toMatchObject({
      code: 'cancelled',
      message: 'The authorization was cancelled',
    })
    expect(handle.getSnapshot().status).toBe('cancelled')
  })
})

describe('tokens and refresh', () => {
  async function authorizedExpiring(options: Partial<WorldOptions> = {}) {
    const w = world({ accessTokenTtl: 0, ...options })
    const ctx = setup(w)
    await ctx.handle.authorize()
    w.options.accessTokenTtl = 3600
    return { w, ...ctx }
  }

  test('50 concurrent getAccessToken() on an expired token → exactly one refresh', async () => {
    const { w, handle } = await authorizedExpiring({ tokenDelay: 20 })
    const expired = [...w.accessTokens.keys()]
    const tokens = await Promise.all(Array.from({ length: 50 }, () => handle.getAccessToken()))
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(new Set(tokens).size).toBe(1)
    expect(expired).not.toContain(tokens[0])
    expect(w.accessTokens.has(tokens[0]!)).toBe(true)
    const refresh = form(w.grants('refresh_token')[0]!.body)
    expect(refresh.get('resource')).toBe(w.options.resource)
  })

  test('a refresh response without a refresh token keeps the previous one', async () => {
    const { w, handle, storage } = await authorizedExpiring({ refresh: 'no-refresh-token' })
    const before = (await storage.get(`tokens:${w.options.resource}`)) as { refreshToken: string }
    await handle.getAccessToken()
    const after = (await storage.get(`tokens:${w.options.resource}`)) as {
      refreshToken: string
      accessToken: string
    }
    expect(after.accessToken).not.toBe((before as { accessToken?: string }).accessToken)
    expect(after.refreshToken).toBe(before.refreshToken)
  })

  test('invalid_grant clears the tokens and asks for authorization again', async () => {
    const { w, handle, storage } = await authorizedExpiring({ refresh: 'invalid_grant' })
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' })
    expect(handle.getSnapshot().status).toBe('needs-authorization')
    expect(await storage.get(`tokens:${w.options.resource}`)).toBeUndefined()
  })

  test.each([
    ['network-error', 'network_error'],
    ['server-error', 'server_error'],
  ] as const)(
    'a %s during refresh keeps the tokens and reports a transient error',
    async (refresh, code) => {
      const { w, handle, storage } = await authorizedExpiring({ refresh })
      const stored = await storage.get(`tokens:${w.options.resource}`)
      await expect(handle.getAccessToken()).rejects.toMatchObject({ code })
      const snapshot = handle.getSnapshot()
      expect(snapshot.status).toBe('authorized')
      expect(snapshot.error?.code).toBe(code)
      expect(snapshot.error?.transient).toBe(true)
      expect(await storage.get(`tokens:${w.options.resource}`)).toEqual(stored)
      // The network comes back: the same refresh token still works.
      w.options.refresh = 'ok'
      expect(w.accessTokens.has(await handle.getAccessToken())).toBe(true)
      expect(w.grants('refresh_token')).toHaveLength(2)
    },
  )
})

describe('server.fetch', () => {
  async function authorized(options: Partial<WorldOptions> = {}) {
    const w = world(options)
    const ctx = setup(w)
    await ctx.handle.probe()
    await ctx.handle.authorize()
    return { w, ...ctx }
  }

  test('the bearer goes to this resource only', async () => {
    const { handle } = await authorized()
    const seen: Record<string, string | null> = {}
    mock.use(
      http.all('https://mcp.example.com/mcp-evil', ({ request }) => {
        seen.sibling = request.headers.get('authorization')
        return new HttpResponse('{}')
      }),
      http.all('http://mcp.example.com/mcp', ({ request }) => {
        seen.downgrade = request.headers.get('authorization')
        return new HttpResponse('{}')
      }),
      http.all('https://evil.example.com/mcp', ({ request }) => {
        seen.otherHost = request.headers.get('authorization')
        return new HttpResponse('{}')
      }),
    )
    expect((await call(handle)).status).toBe(200)
    await handle.fetch('https://mcp.example.com/mcp-evil', { method: 'POST' })
    await handle.fetch('http://mcp.example.com/mcp', { method: 'POST' })
    await handle.fetch('https://evil.example.com/mcp', { method: 'POST' })
    expect(seen).toEqual({ sibling: null, downgrade: null, otherHost: null })
  })

  test('401 invalid_token → one refresh and one retry', async () => {
    const { w, handle } = await authorized()
    w.accessTokens.clear() // the server forgot the token, e.g. after a key rotation
    const response = await call(handle)
    expect(response.status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(
      w.requests.filter((r) => r.url === w.options.resource && r.method === 'POST'),
    ).toHaveLength(
      // probe, the refused call, the retry
      3,
    )
  })

  test('any other 401 → needs-authorization without a refresh', async () => {
    const { w, handle } = await authorized()
    w.options.acceptTokens = false
    expect((await call(handle)).status).toBe(401)
    expect(handle.getSnapshot().status).toBe('needs-authorization')
    expect(w.grants('refresh_token')).toHaveLength(0)
  })

  test('403 insufficient_scope → needs-step-up with the union of scopes; authorize fixes it', async () => {
    const { w, handle } = await authorized()
    expect((await call(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    const snapshot = handle.getSnapshot()
    expect(snapshot.status).toBe('needs-step-up')
    expect(snapshot.stepUpScopes).toEqual(['read', 'offline_access', 'admin'])
    await handle.authorize()
    expect(w.navigations().at(-1)!.searchParams.get('scope')).toBe('read offline_access admin')
    expect((await call(handle, 'tools/call', { name: 'admin' })).status).toBe(200)
  })

  test('step-up is bounded: at most 3 authorizations per resource and operation', async () => {
    const { w, handle } = await authorized({ grantedScope: 'read' })
    let refused: unknown
    for (let i = 0; i < 10 && !refused; i++) {
      const response = await call(handle, 'tools/call', { name: 'admin' })
      expect(response.status).toBe(403)
      refused = await handle.authorize().then(
        () => undefined,
        (error: unknown) => error,
      )
    }
    expect(refused).toMatchObject({ code: 'step_up_limit' })
    expect(w.navigations()).toHaveLength(3)
  })

  test('a request with an Authorization header set by the app passes through untouched', async () => {
    const { w, handle } = await authorized()
    await handle.fetch(w.options.resource, {
      method: 'POST',
      headers: { authorization: 'Bearer app-token' },
      body: '{}',
    })
    expect(w.requests.at(-1)!.headers.get('authorization')).toBe('Bearer app-token')
  })
})

describe('disconnect', () => {
  test('revokes the refresh token, then the access token, then clears local state', async () => {
    const w = world()
    const { handle, storage } = setup(w)
    await handle.authorize()
    const stored = (await storage.get(`tokens:${w.options.resource}`)) as {
      accessToken: string
      refreshToken: string
    }
    const snapshot = await handle.disconnect()
    expect(snapshot.status).toBe('disconnected')
    expect(w.revoked).toEqual([stored.refreshToken, stored.accessToken])
    expect(form(w.hits('/revoke')[0]!.body).get('token_type_hint')).toBe('refresh_token')
    expect(await storage.get(`tokens:${w.options.resource}`)).toBeUndefined()
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
  })

  test('clears local state even when revocation fails', async () => {
    const w = world()
    const { handle, storage } = setup(w)
    await handle.authorize()
    mock.use(http.post(/\/revoke$/, () => HttpResponse.error()))
    expect((await handle.disconnect()).status).toBe('disconnected')
    expect(await storage.get(`tokens:${w.options.resource}`)).toBeUndefined()
  })
})

describe('snapshot', () => {
  test('subscribe calls the listener at once (Svelte store contract) and on changes', async () => {
    const { handle } = setup(world())
    const seen: string[] = []
    const unsubscribe = handle.subscribe((s) => seen.push(s.status))
    expect(seen).toEqual(['unknown'])
    await handle.probe()
    unsubscribe()
    await handle.probe()
    expect(seen).toEqual(['unknown', 'probing', 'needs-authorization'])
  })

  test('getSnapshot is stable between changes', async () => {
    const { handle } = setup(world())
    await handle.probe()
    expect(handle.getSnapshot()).toBe(handle.getSnapshot())
  })

  test('never contains a token', async () => {
    const w = world()
    const { handle } = setup(w)
    const seen: string[] = []
    handle.subscribe((s) => seen.push(JSON.stringify(s)))
    await handle.authorize()
    const token = await handle.getAccessToken()
    for (const json of seen) {
      expect(json).not.toContain(token)
      expect(json).not.toContain('rt-')
    }
  })

  test('a corrupt stored record is reported and ignored, never thrown', async () => {
    const w = world()
    const storage = memoryStorage()
    await storage.set(`tokens:${w.options.resource}`, { v: 999, accessToken: 42 })
    const { handle } = setup(w, { storage })
    const snapshot = await handle.probe()
    expect(snapshot.status).toBe('needs-authorization')
    expect(snapshot.error?.code).toBe('storage_corrupt')
  })
})

describe('restore', () => {
  test('creates handles for servers with stored tokens', async () => {
    const w = world()
    const { storage } = setup(w)
    const first = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    await first.server(w.options.resource).authorize()
    await storage.set('tokens:not a url', { v: 1 })
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    expect(reloaded.servers()).toEqual([])
    const restored = await reloaded.restore()
    expect(restored.map((h) => h.url)).toEqual([w.options.resource])
    expect((await restored[0]!.probe()).status).toBe('authorized')
  })
})

test('onServersChange fires when a handle is created, once per server', async () => {
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    driver: world().driver(),
  })
  let calls = 0
  const stop = auth.onServersChange(() => calls++)
  auth.server('https://a.example/mcp')
  auth.server('https://a.example/mcp#same')
  auth.server('https://b.example/mcp')
  stop()
  auth.server('https://c.example/mcp')
  expect(calls).toBe(2)
})
