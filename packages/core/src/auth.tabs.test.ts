import { createWorld, useMockServer, type World } from '@mcp-oauth/test-world'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from './auth.js'
import type { TokenStorage } from './contracts/storage.js'
import { TAB_CHANNEL } from './coordination/tab-messages.js'
import { memoryStorage } from './storage/memory.js'
import { instrumented, REDIRECT } from './test-support/harness.js'

const mock = useMockServer()

/** Every BroadcastChannel the code under test opens and closes. */
const channels = { opened: 0, closed: 0 }
const Real = globalThis.BroadcastChannel
class Counted extends Real {
  constructor(name: string) {
    super(name)
    channels.opened++
  }
  override close() {
    channels.closed++
    super.close()
  }
}
beforeEach(() => {
  channels.opened = channels.closed = 0
})
afterEach(() => vi.unstubAllGlobals())

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2))
}

/** Five authorized servers in one storage, as another tab left them. */
async function fiveServers() {
  const storage = memoryStorage()
  const worlds: World[] = []
  for (let i = 0; i < 5; i++) {
    const w = createWorld({
      resource: `https://mcp${i}.example.com/mcp`,
      issuer: `https://auth${i}.example.com`,
    })
    mock.use(...w.handlers)
    worlds.push(w)
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    await auth.server(w.options.resource).authorize()
  }
  return { storage, worlds }
}

const tab = (storage: TokenStorage, w: World) =>
  createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })

describe('one tab channel per instance', () => {
  test('none before first use; one for every server once they load', async () => {
    const { storage, worlds } = await fiveServers()
    vi.stubGlobal('BroadcastChannel', Counted)
    const auth = tab(storage, worlds[0]!)
    const handles = worlds.map((w) => auth.server(w.options.resource))
    expect(channels.opened).toBe(0)
    for (const handle of handles) expect((await handle.probe()).status).toBe('authorized')
    expect(channels.opened).toBe(1)
    await auth.restore()
    expect(channels.opened).toBe(1)
  })

  test('a message names its server and reaches that server only', async () => {
    const { storage, worlds } = await fiveServers()
    const { storage: counted, counts } = instrumented(storage)
    const auth = tab(counted, worlds[0]!)
    const handles = worlds.map((w) => auth.server(w.options.resource))
    for (const handle of handles) await handle.probe()
    const reads = counts.reads
    const url = worlds[3]!.options.resource
    const other = tab(storage, worlds[3]!).server(url)
    await other.probe()
    const before = handles[3]!.getSnapshot().expiresAt
    // Another tab refreshes server 3: its resource stopped taking the old token.
    worlds[3]!.accessTokens.clear()
    expect((await other.fetch(url, { method: 'POST' })).status).toBe(200)
    await until(() => handles[3]!.getSnapshot().expiresAt !== before)
    await handles[3]!.getAccessToken()
    // One re-read (the generation and the record) of that server; none of the others.
    expect(counts.reads - reads).toBe(2)
    for (const i of [0, 1, 2, 4]) expect(handles[i]!.getSnapshot().status).toBe('authorized')
  })

  test('dispose() closes the channel; the handles still work, hear no other tab, and still tell them', async () => {
    const { storage, worlds } = await fiveServers()
    vi.stubGlobal('BroadcastChannel', Counted)
    const w = worlds[0]!
    const auth = tab(storage, w)
    const handle = auth.server(w.options.resource)
    await handle.probe()
    expect(channels).toEqual({ opened: 1, closed: 0 })
    auth.dispose()
    expect(channels).toEqual({ opened: 1, closed: 1 })
    auth.dispose()
    expect(channels.closed).toBe(1)
    // Still usable.
    expect(await handle.getAccessToken()).toMatch(/^at-/)
    // Another tab that still listens hears this one's disconnect.
    const other = tab(storage, w).server(w.options.resource)
    expect((await other.probe()).status).toBe('authorized')
    expect((await handle.disconnect()).status).toBe('disconnected')
    await until(() => other.getSnapshot().status === 'disconnected')
    // The disposed instance hears nothing: another tab's authorization does not reach it.
    const listener = new Real(TAB_CHANNEL)
    let heard = 0
    listener.onmessage = () => heard++
    await tab(storage, w).server(w.options.resource).authorize()
    await until(() => heard === 1)
    listener.close()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(handle.getSnapshot().status).toBe('disconnected')
  })

  test('dispose() works detached, and before any channel was opened', () => {
    vi.stubGlobal('BroadcastChannel', Counted)
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: async (r) => r.url,
    })
    const { dispose } = auth
    dispose()
    expect(channels).toEqual({ opened: 0, closed: 0 })
  })

  test('messages on the channel carry nothing but the server, the change, the generation and a revision', async () => {
    const w = createWorld()
    mock.use(...w.handlers)
    const listener = new Real(TAB_CHANNEL)
    const seen: unknown[] = []
    listener.onmessage = (event) => seen.push(event.data)
    const auth = tab(memoryStorage(), w)
    const handle = auth.server(w.options.resource)
    await handle.authorize()
    await handle.disconnect()
    await until(() => seen.length === 2)
    for (const message of seen) {
      expect(Object.keys(message as object).sort()).toEqual([
        'change',
        'generation',
        'resource',
        'revision',
      ])
      expect(message).toMatchObject({ resource: w.options.resource, change: 'tokens' })
    }
    listener.close()
  })
})
