import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { TokenStorage } from '../contracts/storage.js'
import { TAB_CHANNEL } from '../coordination/tab-messages.js'
import { instrumented, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('tabs of one origin stay in step', () => {
  test('a refresh in one tab reaches the other tab’s snapshot, which then uses the new token', async () => {
    const w = createWorld({ accessTokenTtl: 120 })
    // This tab thinks every token is about to expire, so it refreshes; the other does not.
    const { storage, handle } = setupWorld(mock, w, { auth: { refreshSkewSeconds: 300 } })
    await handle.authorize()
    const tab2 = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const other = tab2.server(handle.url)
    expect((await other.probe()).status).toBe('authorized')
    const before = other.getSnapshot().expiresAt
    const first = await other.getAccessToken()
    const fresh = await handle.getAccessToken()
    expect(fresh).not.toBe(first)
    const after = handle.getSnapshot().expiresAt
    expect(after).not.toBe(before)
    await until(() => other.getSnapshot().expiresAt === after)
    expect(other.getSnapshot().status).toBe('authorized')
    expect(await other.getAccessToken()).toBe(fresh)
    expect(w.grants('refresh_token')).toHaveLength(1)
  })

  test('a client ID typed in one tab moves the other tab from needs-client-id to needs-authorization', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { storage, handle } = setupWorld(mock, w)
    const tab2 = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const other = tab2.server(handle.url)
    expect((await handle.probe()).status).toBe('needs-client-id')
    expect((await other.probe()).status).toBe('needs-client-id')
    const requests = w.requests.length
    await handle.submitClientId({ clientId: 'typed' })
    await until(() => other.getSnapshot().status === 'needs-authorization')
    expect(other.getSnapshot().registration).toBe('manual')
    expect(w.requests.length).toBe(requests)
  })

  test('without BroadcastChannel a tab re-reads the store when it comes back into view', async () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const page = Object.assign(new EventTarget(), { visibilityState: 'hidden' })
    vi.stubGlobal('document', page)
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    const tab2 = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const other = tab2.server(handle.url)
    expect((await other.probe()).status).toBe('needs-authorization')
    await handle.authorize()
    page.dispatchEvent(new Event('visibilitychange'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(other.getSnapshot().status).toBe('needs-authorization')
    page.visibilityState = 'visible'
    page.dispatchEvent(new Event('visibilitychange'))
    await until(() => other.getSnapshot().status === 'authorized')
    expect(other.getSnapshot().expiresAt).toBe(handle.getSnapshot().expiresAt)
  })

  test('a message of another shape, or for a server the tab does not know, is ignored', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    const { storage: seen, counts } = instrumented(storage)
    const tab2 = createMcpAuth({ redirectUri: REDIRECT, storage: seen, driver: w.driver() })
    const other = tab2.server(handle.url)
    expect((await other.probe()).status).toBe('authorized')
    const channel = new BroadcastChannel(TAB_CHANNEL)
    const reads = counts.reads
    for (const message of [
      null,
      'tokens',
      { resource: handle.url },
      { resource: handle.url, generation: 99 },
      { resource: handle.url, change: 'other', generation: 99, revision: 'r2' },
      { resource: 'https://unknown.example/mcp', change: 'tokens', generation: 99, revision: 'r3' },
    ]) {
      channel.postMessage(message)
    }
    // A well-formed message last: once it is handled, the ones before it were too.
    channel.postMessage({ resource: handle.url, change: 'tokens', generation: 1, revision: 'ok' })
    await until(() => counts.reads > reads)
    await other.getAccessToken()
    // One re-read (the generation and the record), for the well-formed message only.
    expect(counts.reads - reads).toBe(2)
    expect(other.getSnapshot().status).toBe('authorized')
    channel.close()
  })

  test('a disconnect heard from another tab: a token asked for before the re-read ends is refused', async () => {
    const w = createWorld()
    const { storage, handle } = setupWorld(mock, w)
    await handle.authorize()
    let slow = false
    const delayed: TokenStorage = {
      ...storage,
      kind: storage.kind,
      get: async (key) => {
        if (slow) await new Promise((resolve) => setTimeout(resolve, 50))
        return storage.get(key)
      },
    }
    const tab2 = createMcpAuth({ redirectUri: REDIRECT, storage: delayed, driver: w.driver() })
    const other = tab2.server(handle.url)
    expect((await other.probe()).status).toBe('authorized')
    expect(await other.getAccessToken()).toMatch(/^at-/)
    const listener = new BroadcastChannel(TAB_CHANNEL)
    let heard = 0
    listener.onmessage = () => heard++
    slow = true
    await handle.disconnect()
    await until(() => heard === 1)
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    await until(() => other.getSnapshot().status === 'disconnected')
    listener.close()
  })
})
