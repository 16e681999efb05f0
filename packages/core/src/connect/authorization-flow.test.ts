import { createWorld, deferred, useMockServer, type World } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { AuthorizationDriver, AuthorizationDriverRequest } from '../contracts/driver.js'
import type { TokenStorage } from '../contracts/storage.js'
import { AuthorizationError, ConfigurationError, RegistrationError } from '../errors.js'
import { subscribeEvents } from '../events/subscribe.js'
import type { McpAuthEvent } from '../events/types.js'
import { memoryStorage } from '../storage/memory.js'
import { leaveForTheAs, mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.restoreAllMocks())

const registrationScope = (w: World) => JSON.parse(w.hits('/register')[0]!.body).scope

describe('the registration asks for every scope the server may need', () => {
  test('the AS scopes when the resource lists none', async () => {
    const w = createWorld()
    w.options.prm = { resource: w.options.resource, authorization_servers: [w.options.issuer] }
    w.options.challenge = 'Bearer'
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    expect(registrationScope(w)).toBe('read admin offline_access')
  })

  test('the resource scopes when the AS lists none', async () => {
    const w = createWorld({ as: { scopes_supported: undefined } })
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    expect(registrationScope(w)).toBe('read admin')
  })
})

describe('finishing a callback', () => {
  test('without an expected state, the callback’s own state finds the flow', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const { callbackUrl } = await leaveForTheAs(mock, w, storage)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const snapshot = await after.server(w.options.resource).completeCallback(callbackUrl)
    expect(snapshot.status).toBe('authorized')
  })

  test('a second use of a callback is refused as replayed', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const { callbackUrl } = await leaveForTheAs(mock, w, storage)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const handle = after.server(w.options.resource)
    await handle.completeCallback(callbackUrl)
    const error = await handle.completeCallback(callbackUrl).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error).toMatchObject({
      code: 'callback_replayed',
      message: 'No authorization is waiting for this callback (already used, expired or unknown)',
    })
    expect(w.grants('authorization_code')).toHaveLength(1)
  })

  test('a callback at the very expiry of its flow still counts', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const { callbackUrl, pending } = await leaveForTheAs(mock, w, storage)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    vi.spyOn(Date, 'now').mockReturnValue(pending.expiresAt)
    const snapshot = await after.server(w.options.resource).completeCallback(callbackUrl)
    expect(snapshot.status).toBe('authorized')
  })

  test('a callback after the expiry of its flow is refused as too late', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const { callbackUrl, pending } = await leaveForTheAs(mock, w, storage)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    vi.spyOn(Date, 'now').mockReturnValue(pending.expiresAt + 1)
    const error = await after
      .server(w.options.resource)
      .completeCallback(callbackUrl)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error).toMatchObject({
      code: 'timeout',
      message: 'The authorization took too long; start again',
    })
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('the token step is reported for the server that started the flow, not the broader resource', async () => {
    const w = createWorld()
    w.options.prm = {
      resource: 'https://mcp.example.com',
      authorization_servers: [w.options.issuer],
    }
    const { auth, handle } = setupWorld(mock, w)
    const events: McpAuthEvent[] = []
    subscribeEvents(auth, (event) => events.push(event))
    await handle.authorize()
    const token = events.filter((e) => e.type === 'token')
    expect(token.length).toBeGreaterThan(0)
    for (const event of token) expect(event.server).toBe(w.options.resource)
  })
})

describe('the authorization window', () => {
  test('a driver that fails leaves no pending record, and its error is reported as is', async () => {
    const w = createWorld()
    const failing: AuthorizationDriver = async () => {
      throw new Error('the window crashed')
    }
    const { handle, storage } = setupWorld(mock, w, { auth: { driver: failing } })
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'unexpected_response', message: 'the window crashed' })
    expect(handle.getSnapshot()).toMatchObject({
      status: 'error',
      error: { code: 'unexpected_response' },
    })
    expect(await storage.keys('pending:')).toEqual([])
  })

  test('cancelled while the window is open: a late callback is refused and nothing is exchanged', async () => {
    const w = createWorld()
    const answer = deferred<string>()
    let requested: AuthorizationDriverRequest | undefined
    const { handle, storage } = setupWorld(mock, w, {
      auth: {
        driver: async (request) => {
          requested = request
          return answer.promise
        },
      },
    })
    const flow = handle.authorize().catch((e: unknown) => e)
    await expect.poll(() => requested).toBeDefined()
    handle.cancel()
    answer.resolve(await w.driver()(requested!))
    const error = await flow
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error).toMatchObject({ code: 'cancelled', message: 'The authorization was cancelled' })
    expect(handle.getSnapshot().status).toBe('cancelled')
    expect(await storage.keys('pending:')).toEqual([])
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('cancelled while the window is open: whatever the driver throws then is a cancellation', async () => {
    const w = createWorld()
    const answer = deferred()
    let opened = false
    const crash = new TypeError('window gone')
    const { handle } = setupWorld(mock, w, {
      auth: {
        driver: async () => {
          opened = true
          await answer.promise
          throw crash
        },
      },
    })
    const flow = handle.authorize().catch((e: unknown) => e)
    await expect.poll(() => opened).toBe(true)
    handle.cancel()
    answer.resolve()
    const error = await flow
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error).toMatchObject({ code: 'cancelled', message: 'The authorization was cancelled' })
    expect((error as Error).cause).toBe(crash)
  })

  test('while the window is open the snapshot shows the client kind and no old error', async () => {
    const w = createWorld()
    const seen: unknown[] = []
    let fail = true
    const { handle } = setupWorld(mock, w, {
      auth: {
        driver: async (request) => {
          seen.push(handle.getSnapshot())
          if (fail) throw new AuthorizationError('access_denied', 'denied')
          return w.driver()(request)
        },
      },
    })
    await handle.authorize().catch(() => undefined)
    expect(handle.getSnapshot().error?.code).toBe('access_denied')
    fail = false
    await handle.authorize()
    expect(seen[1]).toMatchObject({ status: 'authorizing', registration: 'dynamic' })
    expect(seen[1]).not.toHaveProperty('error')
  })

  test('popup reports count only for the newest flow while it is authorizing', async () => {
    const w = createWorld()
    const requests: AuthorizationDriverRequest[] = []
    const { handle } = setupWorld(mock, w, {
      auth: {
        driver: async (request) => {
          requests.push(request)
          return new Promise<string>(() => {})
        },
      },
    })
    void handle.authorize().catch(() => undefined)
    await expect.poll(() => requests.length).toBe(1)
    requests[0]!.onPopup?.('open')
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorizing', popup: 'open' })
    void handle.authorize().catch(() => undefined)
    await expect.poll(() => requests.length).toBe(2)
    requests[1]!.onPopup?.('open')
    // The superseded flow's window closing says nothing about the new one.
    requests[0]!.onPopup?.('closed')
    expect(handle.getSnapshot().popup).toBe('open')
    handle.cancel()
    requests[1]!.onPopup?.('closed')
    expect(handle.getSnapshot().status).toBe('cancelled')
  })
})

describe('authorize() refuses what it cannot do', () => {
  test('a server without OAuth metadata needs a static token', async () => {
    const w = createWorld({ prm: null, as: null, challenge: 'Bearer' })
    const { handle } = setupWorld(mock, w)
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({
      code: 'invalid_configuration',
      message: 'This server publishes no OAuth metadata; it needs a static token',
    })
    expect(w.navigations()).toHaveLength(0)
  })

  test('an AS without registration needs a client ID', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w)
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistrationError)
    expect(error).toMatchObject({
      code: 'client_id_required',
      message: 'This authorization server offers no registration: a client ID is needed',
    })
    expect(handle.getSnapshot().status).toBe('needs-client-id')
    expect(await storage.keys('pending:')).toEqual([])
  })
})

describe('step-up', () => {
  test('asks for the granted scopes and the challenged ones', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.authorize({ scope: 'read' })
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(handle.getSnapshot().status).toBe('needs-step-up')
    await handle.authorize()
    const scopes = w.navigations()[1]?.searchParams.get('scope')?.split(' ')
    expect(scopes?.sort()).toEqual(['admin', 'offline_access', 'read'])
  })

  /** A step-up whose start is held while it reads the token generation. */
  async function heldStepUp() {
    const w = createWorld()
    mock.use(...w.handlers)
    const storage = memoryStorage()
    const gate = deferred()
    let armed = false
    let held = 0
    const gated: TokenStorage = {
      ...storage,
      kind: storage.kind,
      get: async (key) => {
        if (armed && held === 0 && key.startsWith('generation:')) {
          held++
          await gate.promise
        }
        return storage.get(key)
      },
    }
    const urls: URL[] = []
    const here = createMcpAuth({
      redirectUri: REDIRECT,
      storage: gated,
      driver: async (request) => {
        urls.push(new URL(request.url))
        return urls.length === 1 ? w.driver()(request) : new Promise<string>(() => {})
      },
    }).server(w.options.resource)
    await here.authorize({ scope: 'read' })
    await mcpCall(here, 'tools/call', { name: 'admin' })
    expect(here.getSnapshot().status).toBe('needs-step-up')
    armed = true
    void here.authorize().catch(() => undefined)
    await expect.poll(() => held).toBe(1)
    const other = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      driver: w.driver(),
      refreshSkewSeconds: 1e6,
    }).server(w.options.resource)
    /** Lets the step-up go on; resolves with the scopes it asks for. */
    const release = async () => {
      gate.resolve()
      await expect.poll(() => urls.length).toBe(2)
      here.cancel()
      return urls[1]?.searchParams.get('scope')?.split(' ').sort()
    }
    return { w, here, other, release }
  }

  test('tokens removed by another tab while a step-up starts: only the step-up scopes are asked for', async () => {
    const { here, other, release } = await heldStepUp()
    await other.disconnect()
    await expect.poll(() => here.getSnapshot().status).toBe('disconnected')
    expect(await release()).toEqual(['admin', 'offline_access', 'read'])
  })

  test('tokens refreshed by another tab while a step-up starts: their scopes are kept too', async () => {
    const { w, here, other, release } = await heldStepUp()
    w.options.grantedScope = 'read extra'
    await other.getAccessToken()
    await expect.poll(() => here.getSnapshot().scopes).toEqual(['read', 'extra'])
    expect(await release()).toEqual(['admin', 'extra', 'offline_access', 'read'])
  })
})
