import { createWorld, deferred, useMockServer, type World } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { AuthorizationDriverRequest, InteractiveDriver } from '../contracts/driver.js'
import type { PendingRecord, TokenRecord } from '../contracts/records.js'
import type { McpServerSnapshot } from '../contracts/snapshot.js'
import { TAB_CHANNEL } from '../coordination/tab-messages.js'
import { AuthorizationError } from '../errors.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2))
}

/**
 * A driver whose windows stay open until the test finishes them (or the flow is aborted); it
 * counts the sessions it opened and closed.
 */
function heldDriver(w: World) {
  const flows: { request: AuthorizationDriverRequest; finish: () => void }[] = []
  let closed = 0
  const driver = {
    begin: () => ({
      navigate: (request: AuthorizationDriverRequest) =>
        new Promise<string>((resolve, reject) => {
          flows.push({ request, finish: () => resolve(w.driver()(request)) })
          request.signal.addEventListener('abort', () => reject(new Error('window gone')))
        }),
      close: () => {
        closed += 1
      },
    }),
  }
  return { driver, flows, closed: () => closed }
}

/** A handle on `w` whose authorizations go through `driver`. */
function withDriver(w: World, driver: InteractiveDriver) {
  mock.use(...w.handlers)
  return createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage(), driver }).server(
    w.options.resource,
  )
}

describe('the snapshot of a new handle', () => {
  test('is unknown, with no scopes, and names the resource and the storage', () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    expect(handle.getSnapshot()).toStrictEqual({
      resource: w.options.resource,
      status: 'unknown',
      scopes: [],
      storage: 'memory',
    })
  })

  test('an unreadable record is reported by its kind only', () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    handle.reportCorrupt('client:https://auth.example.com https://app.example/cb')
    expect(handle.getSnapshot().error).toMatchObject({
      code: 'storage_corrupt',
      message: 'Ignored an unreadable stored record (client)',
    })
  })
})

describe('probe', () => {
  test('clears the last error, and discovers afresh each time', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    handle.reportCorrupt('client:x')
    const seen: McpServerSnapshot[] = []
    handle.subscribe((snapshot) => seen.push(snapshot))
    expect((await handle.probe()).status).toBe('needs-authorization')
    expect(seen.find((s) => s.status === 'probing')?.error).toBeUndefined()
    expect(handle.getSnapshot().error).toBeUndefined()
    expect(w.hits(w.prmPathUrl)).toHaveLength(1)
    await handle.probe()
    expect(w.hits(w.prmPathUrl)).toHaveLength(2)
  })

  test('a slow probe overtaken by an authorization and a newer probe sets nothing', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const slow = deferred()
    let held = 0
    mock.use(
      http.post(w.options.resource, async ({ request }) => {
        if (request.headers.has('authorization') || held > 0) return undefined
        held += 1
        await slow.promise
        return undefined
      }),
    )
    const probing = handle.probe()
    await until(() => held === 1)
    expect((await handle.authorize()).status).toBe('authorized')
    expect((await handle.probe()).status).toBe('authorized')
    slow.resolve()
    await probing
    expect(handle.getSnapshot().status).toBe('authorized')
  })
})

describe('authorize', () => {
  test('after it ends, cancel() has nothing to cancel, and the window was closed', async () => {
    const w = createWorld()
    const held = heldDriver(w)
    const handle = withDriver(w, held.driver)
    const authorizing = handle.authorize()
    await until(() => held.flows.length === 1)
    held.flows[0]!.finish()
    const snapshot = await authorizing
    expect(snapshot.status).toBe('authorized')
    expect(held.closed()).toBe(1)
    handle.cancel()
    expect(handle.getSnapshot()).toBe(snapshot)
  })

  test('cancel() during a flow says so at once', async () => {
    const w = createWorld()
    const held = heldDriver(w)
    const handle = withDriver(w, held.driver)
    const authorizing = handle.authorize()
    await until(() => held.flows.length === 1)
    handle.cancel()
    const snapshot = handle.getSnapshot()
    expect(snapshot.status).toBe('cancelled')
    expect(snapshot.error).toBeInstanceOf(AuthorizationError)
    expect(snapshot.error).toMatchObject({
      code: 'cancelled',
      message: 'The authorization was cancelled',
    })
    await expect(authorizing).rejects.toMatchObject({ code: 'cancelled' })
    expect(held.closed()).toBe(1)
  })

  test('a newer authorization replaces an older one, which then leaves the snapshot alone', async () => {
    const w = createWorld()
    const held = heldDriver(w)
    const handle = withDriver(w, held.driver)
    const first = handle.authorize()
    await until(() => held.flows.length === 1)
    const second = handle.authorize()
    await expect(first).rejects.toBeInstanceOf(Error)
    await until(() => held.flows.length === 2)
    expect(handle.getSnapshot().status).toBe('authorizing')
    // The newer flow is still the one cancel() stops.
    handle.cancel()
    expect(handle.getSnapshot().status).toBe('cancelled')
    await expect(second).rejects.toMatchObject({ code: 'cancelled' })
  })

  test('an error reported during the flow is cleared by its success', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w, {
      auth: {
        driver: async (request) => {
          handle.reportCorrupt('client:x')
          return w.driver()(request)
        },
      },
    })
    const snapshot = await handle.authorize()
    expect(snapshot.status).toBe('authorized')
    expect(snapshot.error).toBeUndefined()
  })

  test('a relative returnTo is kept as an absolute URL of the app', async () => {
    const w = createWorld()
    let pending: PendingRecord | undefined
    const { handle, storage } = setupWorld(mock, w, {
      auth: {
        driver: async (request) => {
          pending = (await storage.get(keys.pending(request.state))) as PendingRecord
          return w.driver()(request)
        },
      },
    })
    await handle.authorize({ returnTo: '/page?x=1' })
    expect(pending?.returnTo).toBe('https://app.example/page?x=1')
  })

  test('a denied authorization keeps the registered client for the next one', async () => {
    const w = createWorld()
    let deny = true
    const { handle } = setupWorld(mock, w, {
      auth: { driver: (request) => w.driver(deny ? { error: 'access_denied' } : {})(request) },
    })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'access_denied' })
    expect(handle.getSnapshot().status).toBe('cancelled')
    deny = false
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.hits('/register')).toHaveLength(1)
  })

  test('a network failure while re-authorizing keeps the stored tokens authorized', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const record = await storage.get(keys.tokens(handle.url))
    mock.use(http.post(/\/token$/, () => HttpResponse.error()))
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'network_error' })
    expect(handle.getSnapshot()).toMatchObject({
      status: 'authorized',
      error: { code: 'network_error' },
    })
    expect(await storage.get(keys.tokens(handle.url))).toEqual(record)
  })
})

describe('step-up', () => {
  test('past the attempts allowed, authorize() refuses and the snapshot says why', async () => {
    const w = createWorld({ grantedScope: 'read' })
    const { handle } = setupWorld(mock, w, { auth: { maxStepUpAttempts: 1 } })
    await handle.authorize()
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(handle.getSnapshot().status).toBe('needs-step-up')
    const navigations = w.navigations().length
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'step_up_limit' })
    expect(handle.getSnapshot()).toMatchObject({
      status: 'error',
      error: { code: 'step_up_limit', message: expect.stringMatching(/Gave up after 1/) },
    })
    expect(w.navigations()).toHaveLength(navigations)
  })

  test('once another call succeeds, authorize() is a plain authorization again', async () => {
    const w = createWorld({ grantedScope: 'read' })
    const { handle } = setupWorld(mock, w, { auth: { maxStepUpAttempts: 1 } })
    await handle.authorize()
    const plain = w.navigations()[0]!.searchParams.get('scope')
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect((await mcpCall(handle, 'tools/list')).status).toBe(200)
    expect(handle.getSnapshot().status).toBe('authorized')
    expect((await handle.authorize()).status).toBe('authorized')
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.navigations().map((n) => n.searchParams.get('scope'))).toEqual([plain, plain, plain])
  })
})

describe('disconnect', () => {
  test('without tokens it just says disconnected', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const snapshot = await handle.disconnect()
    expect(snapshot).toMatchObject({ status: 'disconnected', scopes: [] })
    expect(snapshot).not.toHaveProperty('revocation')
    expect(w.hits('/revoke')).toHaveLength(0)
  })

  test('an authorization that ends during the revocation keeps its status', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    const gate = deferred()
    let revoking = 0
    mock.use(
      http.post(/\/revoke$/, async () => {
        revoking += 1
        await gate.promise
        return undefined
      }),
    )
    const disconnecting = handle.disconnect()
    await until(() => revoking === 1)
    expect((await handle.authorize()).status).toBe('authorized')
    gate.resolve()
    await disconnecting
    expect(handle.getSnapshot().status).toBe('authorized')
    expect(handle.getSnapshot()).not.toHaveProperty('revocation')
  })

  test('a call that fails at the network level after a disconnect is reported', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    await handle.disconnect()
    mock.use(http.post(w.options.resource, () => HttpResponse.error()))
    await expect(mcpCall(handle)).rejects.toMatchObject({ code: 'network_error' })
    expect(handle.getSnapshot()).toMatchObject({
      status: 'disconnected',
      error: { code: 'network_error' },
    })
  })

  test('an unreadable stored client met while revoking tokens without their client is reported', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const record = (await storage.get(keys.tokens(handle.url))) as TokenRecord
    const { client: _client, ...legacy } = record
    await storage.set(keys.tokens(handle.url), legacy)
    await storage.set(keys.client(record.issuer!, REDIRECT), 'garbage')
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const snapshot = await other.server(handle.url).disconnect()
    expect(snapshot).toMatchObject({
      status: 'disconnected',
      error: { code: 'storage_corrupt', message: 'Ignored an unreadable stored record (client)' },
    })
  })
})

describe('refresh with tokens stored without their client', () => {
  test('an unreadable stored client is reported', async () => {
    const w = createWorld({ accessTokenTtl: 1 })
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const record = (await storage.get(keys.tokens(handle.url))) as TokenRecord
    const { client: _client, ...legacy } = record
    await storage.set(keys.tokens(handle.url), legacy)
    await storage.set(keys.client(record.issuer!, REDIRECT), 'garbage')
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
      handle.url,
    )
    const errors: (string | undefined)[] = []
    other.subscribe((snapshot) => errors.push(snapshot.error?.code))
    await other.getAccessToken().catch(() => undefined)
    expect(errors).toContain('storage_corrupt')
  })
})

describe('another tab', () => {
  test('disconnecting there clears this tab’s error and scopes', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
      handle.url,
    )
    expect((await other.probe()).scopes.length).toBeGreaterThan(0)
    other.reportCorrupt('client:x')
    await handle.disconnect()
    await until(() => other.getSnapshot().status === 'disconnected')
    expect(other.getSnapshot().error).toBeUndefined()
    expect(other.getSnapshot().scopes).toEqual([])
  })

  test('refreshing there keeps this tab’s scopes and error', async () => {
    const w = createWorld({ accessTokenTtl: 120 })
    const { handle, storage } = setupWorld(mock, w, { auth: { refreshSkewSeconds: 300 } })
    await handle.authorize()
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
      handle.url,
    )
    const scopes = (await other.probe()).scopes
    expect(scopes.length).toBeGreaterThan(0)
    other.reportCorrupt('client:x')
    const before = other.getSnapshot().expiresAt
    await handle.getAccessToken()
    await until(() => other.getSnapshot().expiresAt !== before)
    expect(other.getSnapshot()).toMatchObject({
      status: 'authorized',
      scopes,
      error: { code: 'storage_corrupt' },
    })
  })

  test('a client stored there changes nothing for a server that was not waiting for one', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    expect((await handle.probe()).status).toBe('needs-authorization')
    const before = handle.getSnapshot()
    const channel = new BroadcastChannel(TAB_CHANNEL)
    channel.postMessage({ resource: handle.url, change: 'client', generation: 0, revision: 'c1' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(handle.getSnapshot()).toBe(before)
    channel.close()
  })
})
