import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from './auth.js'
import type { DriverSession } from './contracts/driver.js'
import { ConfigurationError } from './errors.js'
import { memoryStorage } from './storage/memory.js'
import { fails, REDIRECT, setupWorld } from './test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

describe('createMcpAuth() checks its options', () => {
  test('an insecure redirect URI is refused, naming the option', () => {
    const error = fails(() => createMcpAuth({ redirectUri: 'http://app.example/cb' }))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({
      code: 'insecure_url',
      message: 'redirectUri must use https (or http on a loopback host): http://app.example',
      details: { attribute: 'redirectUri', actual: 'http:' },
    })
  })

  test('an insecure client metadata URL is refused, naming the option', () => {
    const error = fails(() =>
      createMcpAuth({
        redirectUri: REDIRECT,
        storage: memoryStorage(),
        client: { metadataUrl: 'http://app.example/client.json' },
      }),
    )
    expect(error).toMatchObject({
      code: 'insecure_url',
      message: 'client.metadataUrl must use https (or http on a loopback host): http://app.example',
      details: { attribute: 'client.metadataUrl' },
    })
  })

  test('client metadata without a metadata URL is accepted', () => {
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      client: { name: 'App' },
    })
    expect(auth.servers()).toEqual([])
  })

  test.each(['autox', 'xauto', 'requiredx', 'xoff', 'AUTO', ''])(
    'dpop %j is refused, quoting the value',
    (dpop) => {
      const error = fails(() =>
        createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage(), dpop: dpop as 'auto' }),
      )
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error).toMatchObject({ code: 'invalid_configuration', message: `dpop: ${dpop}` })
    },
  )

  test.each(['auto', 'required', 'off'] as const)('dpop %j is accepted', (dpop) => {
    expect(() =>
      createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage(), dpop }),
    ).not.toThrow()
  })
})

describe('createMcpAuth() defaults', () => {
  test('discovery announces MCP protocol version 2025-11-25 unless told otherwise', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    const prm = w.hits(w.prmPathUrl)
    expect(prm.length).toBeGreaterThan(0)
    for (const request of prm) {
      expect(request.headers.get('mcp-protocol-version')).toBe('2025-11-25')
    }
  })

  test('a chosen protocol version is sent instead', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w, { auth: { protocolVersion: '2025-06-18' } })
    await handle.probe()
    const sent = w.requests.map((r) => r.headers.get('mcp-protocol-version'))
    expect(sent.filter(Boolean).length).toBeGreaterThan(0)
    expect(sent.filter((v) => v && v !== '2025-06-18')).toEqual([])
  })

  test('without metadata, the default endpoints at the origin are used only when allowed', async () => {
    const off = createWorld({ prm: null, as: null, challenge: 'Bearer' })
    const { handle: plain } = setupWorld(mock, off)
    expect((await plain.probe()).status).toBe('needs-token')
    mock.resetHandlers()
    const on = createWorld({ prm: null, as: null, challenge: 'Bearer' })
    const { handle } = setupWorld(mock, on, { auth: { legacyEndpointFallback: true } })
    const probed = await handle.probe()
    expect(probed.status).toBe('needs-authorization')
    expect(probed.issuer).toBe('https://mcp.example.com')
  })

  test('outside a browser, authorize() without a driver is refused', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage() })
    const handle = auth.server(w.options.resource)
    const error = await handle.authorize().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({
      code: 'invalid_configuration',
      message: 'No authorization driver: pass `driver` to createMcpAuth() outside a browser',
    })
    expect(w.navigations()).toHaveLength(0)
  })

  test('in a browser, the browser driver is the default: a redirect leaves the page', async () => {
    const assign = vi.fn()
    vi.stubGlobal('window', globalThis)
    vi.stubGlobal('location', {
      href: 'https://app.example/chat',
      origin: 'https://app.example',
      assign,
    })
    const w = createWorld()
    mock.use(...w.handlers)
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage() })
    void auth.server(w.options.resource).authorize({ mode: 'redirect' })
    await expect.poll(() => assign.mock.calls.length).toBe(1)
    const url = new URL(String(assign.mock.calls[0]?.[0]))
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.example.com/authorize')
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT)
  })

  test('an interactive driver begins each authorization with its options, then closes', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const closed: number[] = []
    const begun: unknown[] = []
    const driver = {
      begin(options: unknown): DriverSession {
        begun.push(options)
        return { navigate: w.driver(), close: () => closed.push(begun.length) }
      },
    }
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage(), driver })
    const handle = auth.server(w.options.resource)
    expect((await handle.authorize({ scope: 'read' })).status).toBe('authorized')
    expect(begun).toEqual([{ scope: 'read' }])
    expect(closed).toEqual([1])
  })
})
