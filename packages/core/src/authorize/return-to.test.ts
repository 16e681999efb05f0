import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { ConfigurationError } from '../errors.js'
import { memoryStorage } from '../storage/memory.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'
import { appOrigin, checkReturnTo, sameOriginUrl } from './return-to.js'

const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

describe('return URLs stay on the app origin', () => {
  test.each([
    'javascript:alert(document.cookie)',
    'https://evil.example/phish',
    '//evil.example/phish',
    'data:text/html,<script>alert(1)</script>',
  ])('authorize() refuses returnTo %s before anything is opened or stored', async (returnTo) => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await expect(handle.authorize({ mode: 'redirect', returnTo })).rejects.toMatchObject({
      code: 'invalid_return_to',
    })
    expect(w.navigations()).toHaveLength(0)
    expect(await storage.keys('pending:')).toEqual([])
  })

  test('a path is resolved against the app origin and handed back absolute', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example', href: 'https://app.example/here' })
    const w = createWorld()
    mock.use(...w.handlers)
    const storage = memoryStorage()
    let callbackUrl = ''
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      driver: async (request) => {
        callbackUrl = await w.driver()(request)
        return new Promise<string>(() => {})
      },
    })
    void auth.server(w.options.resource).authorize({ returnTo: '/chat?room=1' })
    await expect.poll(async () => (await storage.keys('pending:')).length).toBe(1)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect(callbackUrl)
    expect(done?.returnTo).toBe('https://app.example/chat?room=1')
  })

  test('completeRedirect() drops a stored returnTo that is not same-origin and returns the root', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const storage = memoryStorage()
    let callbackUrl = ''
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage,
      driver: async (request) => {
        callbackUrl = await w.driver()(request)
        return new Promise<string>(() => {})
      },
    })
    void auth.server(w.options.resource).authorize({ returnTo: 'https://app.example/ok' })
    await expect.poll(async () => (await storage.keys('pending:')).length).toBe(1)
    // Someone with access to the store rewrote the pending record.
    const [key] = await storage.keys('pending:')
    const pending = (await storage.get(key!)) as Record<string, unknown>
    await storage.set(key!, { ...pending, returnTo: 'javascript:alert(1)' })
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect(callbackUrl)
    expect(done?.server.getSnapshot().status).toBe('authorized')
    expect(done?.returnTo).toBe('https://app.example/')
  })
})

describe('appOrigin', () => {
  const redirect = 'https://cb.example/callback'

  test('outside a browser it is the redirect URI origin', () => {
    expect(appOrigin(redirect)).toBe('https://cb.example')
  })

  test("in a page it is the page's origin", () => {
    vi.stubGlobal('location', { origin: 'https://app.example' })
    expect(appOrigin(redirect)).toBe('https://app.example')
  })

  test('a page with an opaque origin falls back to the redirect URI origin', () => {
    vi.stubGlobal('location', { origin: 'null' })
    expect(appOrigin(redirect)).toBe('https://cb.example')
  })

  test('a page without an origin falls back to the redirect URI origin', () => {
    vi.stubGlobal('location', { origin: '' })
    expect(appOrigin(redirect)).toBe('https://cb.example')
  })
})

describe('sameOriginUrl', () => {
  const origin = 'https://app.example'

  test('a path or a same-origin URL becomes absolute', () => {
    expect(sameOriginUrl('/chat?x=1', origin)).toBe('https://app.example/chat?x=1')
    expect(sameOriginUrl('https://app.example/a', origin)).toBe('https://app.example/a')
  })

  test.each([
    ['a number', 42],
    ['undefined', undefined],
    ['an empty string', ''],
    ['blanks', '   '],
    ['an unparsable URL', 'http://[::1'],
    ['another origin', 'https://evil.example/'],
  ])('%s is not a return URL', (_name, value) => {
    expect(sameOriginUrl(value, origin)).toBeUndefined()
  })
})

describe('checkReturnTo', () => {
  const origin = 'https://app.example'

  test('no returnTo is fine', () => {
    expect(checkReturnTo(undefined, origin)).toBeUndefined()
  })

  test('a path is made absolute', () => {
    expect(checkReturnTo('/x', origin)).toBe('https://app.example/x')
  })

  test('another origin is refused with a message quoting the value', () => {
    let error: unknown
    try {
      checkReturnTo('https://evil.example/p', origin)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({
      code: 'invalid_return_to',
      message:
        'returnTo must be a path or a URL on https://app.example, got "https://evil.example/p"',
      details: { attribute: 'returnTo', expected: origin },
    })
  })
})
