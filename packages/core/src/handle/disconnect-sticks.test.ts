import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const tokenKey = (resource: string) => `tokens:${resource}`
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('a disconnect sticks', () => {
  test('a refresh in flight when disconnect() is called never writes tokens back', async () => {
    const w = createWorld({ accessTokenTtl: 0 })
    const { auth, storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    w.options.tokenDelay = 100
    const refreshing = handle.getAccessToken()
    await until(() => w.grants('refresh_token').length === 1)
    const disconnected = await handle.disconnect()
    expect(disconnected.status).toBe('disconnected')
    await refreshing.catch(() => {})
    expect(await storage.get(tokenKey(handle.url))).toBeUndefined()
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect(handle.getSnapshot().status).toBe('disconnected')
    // A reload finds nothing either.
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    expect((await reloaded.server(handle.url).probe()).status).toBe('needs-authorization')
    void auth
  })

  test('a call whose refresh was overtaken by disconnect() leaves the status disconnected', async () => {
    const w = createWorld({ accessTokenTtl: 0 })
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    w.options.tokenDelay = 100
    // The call needs a refresh; the user disconnects while it is at the token endpoint.
    const seen: string[] = []
    handle.subscribe((s) => seen.push(s.status))
    const calling = mcpCall(handle)
    await until(() => w.grants('refresh_token').length === 1)
    await handle.disconnect()
    const response = await calling
    // The call was refused (its token revoked, or none left to send); the user's choice stands.
    expect(response.status).toBe(401)
    expect(seen.slice(seen.indexOf('disconnected'))).not.toContain('needs-authorization')
    expect(handle.getSnapshot().status).toBe('disconnected')
  })

  test('an authorization whose exchange ends after a later disconnect() loses, and its tokens are revoked', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    w.options.tokenDelay = 100
    const authorizing = handle.authorize()
    await until(() => w.grants('authorization_code').length === 2)
    expect((await handle.disconnect()).status).toBe('disconnected')
    await expect(authorizing).rejects.toMatchObject({ code: 'cancelled' })
    expect(await storage.get(tokenKey(handle.url))).toBeUndefined()
    expect(handle.getSnapshot().status).toBe('disconnected')
    await expect(handle.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    // The tokens the losing exchange obtained were never stored, and are revoked.
    expect(w.accessTokens.size).toBe(0)
  })

  test('a disconnect in one tab drops the tokens another tab holds in memory', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    const tab2 = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const other = tab2.server(handle.url)
    expect((await other.probe()).status).toBe('authorized')
    expect(await other.getAccessToken()).toMatch(/^at-/)
    await handle.disconnect()
    await until(() => other.getSnapshot().status === 'disconnected')
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
  })

  test('a static token submitted before a disconnect() does not survive it', async () => {
    const w = createWorld({
      resource: 'https://static.example.com/mcp',
      challenge: 'Bearer',
      prm: null,
      as: null,
    })
    const { storage, handle } = setupWorld(mock, w)
    await handle.probe()
    const submitting = handle.submitToken('s3cret')
    const disconnecting = handle.disconnect()
    await Promise.allSettled([submitting, disconnecting])
    expect(await storage.get(tokenKey(handle.url))).toBeUndefined()
    expect(handle.getSnapshot().status).toBe('disconnected')
  })
})
