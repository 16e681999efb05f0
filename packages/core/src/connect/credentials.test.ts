import { createWorld, deferred, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { TokenStorage } from '../contracts/storage.js'
import { TAB_CHANNEL } from '../coordination/tab-messages.js'
import { ConfigurationError } from '../errors.js'
import { memoryStorage } from '../storage/memory.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const ISSUER = 'https://auth.example.com'
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}
const tokenOnlyWorld = () =>
  createWorld({
    resource: 'https://static.example.com/mcp',
    challenge: 'Bearer',
    prm: null,
    as: null,
  })
const metadataRequests = (w: ReturnType<typeof createWorld>) => w.hits('/.well-known/').length

describe('a client ID typed by the user', () => {
  test('is taken before any probe: discovery runs first, then the server needs authorization', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w)
    const snapshot = await handle.submitClientId({ clientId: ' typed-id ' })
    expect(snapshot).toMatchObject({ status: 'needs-authorization', registration: 'manual' })
    expect(snapshot.issuer).toBe(ISSUER)
    expect(await storage.keys('client:')).toEqual([`client:${ISSUER} https://app.example/cb`])
    expect(await storage.get(`client:${ISSUER} https://app.example/cb`)).toMatchObject({
      issuer: ISSUER,
      clientId: 'typed-id',
      kind: 'manual',
    })
    expect(w.hits(w.prmPathUrl)).toHaveLength(1)
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.navigations()[0]?.searchParams.get('client_id')).toBe('typed-id')
  })

  test('after a probe, reuses what discovery found and clears the reported error', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle } = setupWorld(mock, w, {
      auth: { preRegistered: { [ISSUER]: { clientId: '  ' } } },
    })
    const probed = await handle.probe()
    expect(probed.status).toBe('needs-client-id')
    expect(probed.error?.code).toBe('invalid_client_id')
    const requests = w.requests.length
    const snapshot = await handle.submitClientId({ clientId: 'typed-id' })
    expect(snapshot.status).toBe('needs-authorization')
    expect(snapshot.registration).toBe('manual')
    expect(snapshot.error).toBeUndefined()
    expect('error' in snapshot).toBe(false)
    expect(w.requests.length).toBe(requests)
  })

  test('after the server refused a token, the discovery at hand still serves', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.submitClientId({ clientId: 'first' })
    await handle.authorize()
    w.accessTokens.clear()
    w.options.refresh = 'invalid_grant'
    await mcpCall(handle)
    const before = metadataRequests(w)
    await handle.submitClientId({ clientId: 'second' })
    expect(metadataRequests(w)).toBe(before)
  })

  test('is refused for a server without OAuth metadata', async () => {
    const w = tokenOnlyWorld()
    const { handle, storage } = setupWorld(mock, w)
    const failure = await handle.submitClientId({ clientId: 'typed-id' }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ConfigurationError)
    expect(failure).toMatchObject({
      code: 'invalid_configuration',
      message: 'This server does not use OAuth',
    })
    expect(await storage.keys('client:')).toEqual([])
  })
})

describe('a static token typed by the user', () => {
  test.each([
    ['an empty string', ''],
    ['white space only', '   '],
    ['inner white space', 'abc def'],
    ['an inner tab', 'abc\tdef'],
    ['a non-ASCII character', 'tok-é'],
    ['a quote', 'tok"en'],
    ['not a string', 42 as unknown as string],
    ['undefined', undefined as unknown as string],
  ])('is refused when it is %s, and nothing is stored', async (_, token) => {
    const w = tokenOnlyWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.probe()
    const failure = await handle.submitToken(token).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ConfigurationError)
    expect(failure).toMatchObject({
      code: 'invalid_configuration',
      message:
        'A token must be a non-empty string that can be sent in an Authorization header (RFC 6750 §2.1)',
    })
    expect(await storage.keys('tokens:')).toEqual([])
    expect(handle.getSnapshot().status).toBe('needs-token')
  })

  test('is trimmed, stored and sent as a bearer token', async () => {
    const w = tokenOnlyWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.probe()
    expect((await handle.submitToken('  tok-123\n')).status).toBe('authorized')
    expect(await storage.get(`tokens:${w.options.resource}`)).toMatchObject({
      accessToken: 'tok-123',
      scopes: [],
    })
    await mcpCall(handle)
    const sent = w.requests.filter((r) => r.method === 'POST').at(-1)
    expect(sent?.headers.get('authorization')).toBe('Bearer tok-123')
  })

  test('clears the error the refused token left', async () => {
    const w = tokenOnlyWorld()
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.submitToken('wrong-token')
    await mcpCall(handle)
    expect(handle.getSnapshot().error?.code).toBe('invalid_token')
    const snapshot = await handle.submitToken('another')
    expect(snapshot.status).toBe('authorized')
    expect('error' in snapshot).toBe(false)
  })
})

describe('a client ID stored by another tab', () => {
  test('a message with nothing stored leaves the server waiting for a client ID', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w)
    const reads = vi.spyOn(storage, 'get')
    expect((await handle.probe()).status).toBe('needs-client-id')
    const before = reads.mock.calls.length
    const channel = new BroadcastChannel(TAB_CHANNEL)
    channel.postMessage({ resource: handle.url, change: 'client', generation: 0, revision: 'x1' })
    await until(() => reads.mock.calls.length > before)
    await new Promise((resolve) => setTimeout(resolve, 20))
    channel.close()
    expect(handle.getSnapshot().status).toBe('needs-client-id')
    expect(handle.getSnapshot().registration).toBeUndefined()
  })

  test('a tab coming back into view looks for a client without registering one', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    vi.stubGlobal('document', page)
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    // The registration endpoint hands out a blank client ID: the server needs one typed.
    let registrations = 0
    mock.use(
      http.post(`${ISSUER}/register`, () => {
        registrations++
        return HttpResponse.json({ client_id: ' ' }, { status: 201 })
      }),
    )
    await handle.probe()
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'invalid_client_id' })
    expect(handle.getSnapshot().status).toBe('needs-client-id')
    page.dispatchEvent(new Event('visibilitychange'))
    await until(() => handle.getSnapshot().status !== 'needs-client-id')
    expect(handle.getSnapshot()).toMatchObject({
      status: 'needs-authorization',
      registration: 'dynamic',
    })
    expect(registrations).toBe(1)
  })
})

describe('a client ID stored by another tab, while this tab moves on', () => {
  test('a probe started as the tab comes back into view looks for the client alone', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    vi.stubGlobal('document', page)
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w)
    const reads = vi.spyOn(storage, 'get')
    expect((await handle.probe()).status).toBe('needs-client-id')
    reads.mockClear()
    page.dispatchEvent(new Event('visibilitychange'))
    const probed = await handle.probe()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(probed.status).toBe('needs-client-id')
    const clientReads = reads.mock.calls.filter(([key]) => key.startsWith('client:'))
    expect(clientReads).toHaveLength(1)
  })

  test('an authorization started meanwhile keeps its status', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    mock.use(...w.handlers)
    const storage = memoryStorage()
    const gate = deferred()
    let held = 0
    const gated: TokenStorage = {
      ...storage,
      kind: storage.kind,
      get: async (key) => {
        if (key.startsWith('client:') && held === 0 && armed) {
          held++
          await gate.promise
        }
        return storage.get(key)
      },
    }
    let armed = false
    const navigations: string[] = []
    const here = createMcpAuth({
      redirectUri: REDIRECT,
      storage: gated,
      driver: async ({ url }) => {
        navigations.push(url)
        return new Promise<string>(() => {})
      },
    }).server(w.options.resource)
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
      w.options.resource,
    )
    expect((await here.probe()).status).toBe('needs-client-id')
    await other.probe()
    armed = true
    await other.submitClientId({ clientId: 'typed' })
    await until(() => held === 1)
    void here.authorize()
    await until(() => navigations.length === 1)
    expect(here.getSnapshot().status).toBe('authorizing')
    gate.resolve()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(here.getSnapshot().status).toBe('authorizing')
    here.cancel()
  })
})
