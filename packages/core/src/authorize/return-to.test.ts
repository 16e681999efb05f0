import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { memoryStorage } from '../storage/memory.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'
import { useMockServer } from '../test-support/msw.js'
import { createWorld } from '../test-support/world.js'

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
