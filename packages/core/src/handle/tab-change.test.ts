import 'fake-indexeddb/auto'
import { createWorld, useMockServer, type World } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { McpServerHandle } from '../contracts/handle.js'
import type { TokenStorage } from '../contracts/storage.js'
import { TAB_CHANNEL } from '../coordination/tab-messages.js'
import { indexedDbStorage } from '../storage/indexeddb.js'
import { instrumented, mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
/** Channels a test opened, closed after it whatever happened (an open one keeps Node alive). */
const opened: BroadcastChannel[] = []
const open = () => {
  const channel = new BroadcastChannel(TAB_CHANNEL)
  opened.push(channel)
  return channel
}
afterEach(() => {
  vi.unstubAllGlobals()
  for (const channel of opened.splice(0)) channel.close()
})

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2))
}

let databases = 0

/**
 * Tab 1 authorized; tab 2 (another instance on the same storage, instrumented) loaded. Both
 * on IndexedDB, as in a browser, unless `storage` says otherwise.
 */
async function twoTabs(storage: TokenStorage = indexedDbStorage(`tabs-${++databases}`)) {
  const w = createWorld()
  const { handle } = setupWorld(mock, w, { storage })
  await handle.authorize()
  const tab2 = instrumented(storage)
  const other = createMcpAuth({ redirectUri: REDIRECT, storage: tab2.storage, driver: w.driver() })
  const server = other.server(handle.url)
  expect((await server.probe()).status).toBe('authorized')
  const statuses: string[] = []
  server.subscribe((snapshot) => statuses.push(snapshot.status))
  return { w, storage, handle, other: server, tab2, statuses }
}

/** The Authorization header of every MCP request sent from the `from`-th logged request on. */
const mcpAuthorizations = (w: World, from: number) =>
  w.requests
    .slice(from)
    .filter((r) => r.method === 'POST' && r.url === w.options.resource)
    .map((r) => r.headers.get('authorization') ?? 'none')

const forged = (resource: string, generation: number, revision: string) => ({
  resource,
  change: 'tokens',
  generation,
  revision,
})

describe('a change message from another tab never strands this one', () => {
  test('a forged newer-generation message: a call made before the re-read ends carries the stored token', async () => {
    const { w, other, tab2, statuses } = await twoTabs()
    const channel = open()
    tab2.control.delay = 30
    const reads = tab2.counts.reads
    const from = w.requests.length
    channel.postMessage(forged(other.url, 999, 'forged'))
    await until(() => tab2.counts.reads > reads)
    const response = await mcpCall(other)
    expect(response.status).toBe(200)
    expect(mcpAuthorizations(w, from)).toEqual([expect.stringMatching(/^Bearer at-/)])
    expect(statuses).not.toContain('needs-authorization')
    expect(other.getSnapshot()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    channel.close()
  })

  test('another tab re-authorizes while this tab calls in a loop: every call carries a token and succeeds', async () => {
    const { w, handle, other, tab2, statuses } = await twoTabs()
    tab2.control.delay = 10
    const from = w.requests.length
    const outcomes: number[] = []
    let stop = false
    const loop = (async () => {
      while (!stop) {
        outcomes.push((await mcpCall(other)).status)
        // A mocked fetch may settle in microtasks only: let timers and messages run too.
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
    })()
    try {
      await until(() => outcomes.length >= 2)
      await handle.authorize()
      const fresh = await handle.getAccessToken()
      // Tab 2 moves to the new tokens, then keeps calling with them.
      await until(() => mcpAuthorizations(w, from).includes(`Bearer ${fresh}`))
      const seen = outcomes.length
      await until(() => outcomes.length >= seen + 2)
    } finally {
      stop = true
      await loop
    }
    expect(outcomes.filter((status) => status !== 200)).toEqual([])
    expect(mcpAuthorizations(w, from).filter((header) => !header.startsWith('Bearer at-'))).toEqual(
      [],
    )
    expect(statuses).not.toContain('needs-authorization')
    expect(other.getSnapshot().status).toBe('authorized')
  })

  test('getAccessToken() during the re-read of a newer generation answers with the stored token', async () => {
    const { other, tab2 } = await twoTabs()
    const before = await other.getAccessToken()
    const channel = open()
    tab2.control.delay = 30
    const reads = tab2.counts.reads
    channel.postMessage(forged(other.url, 999, 'forged'))
    await until(() => tab2.counts.reads > reads)
    expect(await other.getAccessToken()).toBe(before)
    channel.close()
  })

  test('a disconnect heard from another tab: a call made before the re-read ends goes out without the old token', async () => {
    const { w, handle, other, tab2, statuses } = await twoTabs()
    const listener = open()
    let heard = 0
    listener.onmessage = () => heard++
    tab2.control.delay = 30
    await handle.disconnect()
    await until(() => heard === 1)
    const from = w.requests.length
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    expect((await mcpCall(other)).status).toBe(401)
    expect(mcpAuthorizations(w, from)).toEqual(['none'])
    await until(() => other.getSnapshot().status === 'disconnected')
    expect(statuses.at(-1)).toBe('disconnected')
    listener.close()
  })
})

describe('a burst of tab messages costs almost nothing', () => {
  /** Posts `count` distinct messages at once, then waits until tab 2 has handled them all. */
  async function burst(other: McpServerHandle, count: number, generation: (i: number) => number) {
    const channel = open()
    const listener = open()
    let heard = 0
    listener.onmessage = () => heard++
    for (let i = 0; i < count; i++) channel.postMessage(forged(other.url, generation(i), `b${i}`))
    await until(() => heard === count)
    // Resolves once no re-read is pending.
    await other.getAccessToken()
    channel.close()
    listener.close()
  }

  test('300 messages of newer generations: at most two re-reads, no write, no refresh', async () => {
    const { w, other, tab2 } = await twoTabs()
    const reads = tab2.counts.reads
    const writes = tab2.counts.writes
    await burst(other, 300, (i) => 10 + i)
    // One re-read reads the generation and the record.
    expect(tab2.counts.reads - reads).toBeGreaterThanOrEqual(2)
    expect(tab2.counts.reads - reads).toBeLessThanOrEqual(4)
    expect(tab2.counts.writes - writes).toBe(0)
    expect(w.grants('refresh_token')).toHaveLength(0)
    expect(other.getSnapshot().status).toBe('authorized')
  })

  test('a burst for two servers: at most two re-reads for each', async () => {
    const a = createWorld()
    const b = createWorld({
      resource: 'https://second.example.com/mcp',
      issuer: 'https://auth2.example.com',
    })
    mock.use(...a.handlers, ...b.handlers)
    const storage = indexedDbStorage(`tabs-${++databases}`)
    const first = createMcpAuth({ redirectUri: REDIRECT, storage, driver: a.driver() })
    await first.server(a.options.resource).authorize()
    const firstB = createMcpAuth({ redirectUri: REDIRECT, storage, driver: b.driver() })
    await firstB.server(b.options.resource).authorize()
    const tab2 = instrumented(storage)
    const other = createMcpAuth({
      redirectUri: REDIRECT,
      storage: tab2.storage,
      driver: a.driver(),
    })
    const serverA = other.server(a.options.resource)
    const serverB = other.server(b.options.resource)
    await serverA.probe()
    await serverB.probe()
    const reads = tab2.counts.reads
    const channel = open()
    const listener = open()
    let heard = 0
    listener.onmessage = () => heard++
    for (let i = 0; i < 200; i++) {
      const server = i % 2 ? serverA : serverB
      channel.postMessage(forged(server.url, 10 + i, `two${i}`))
    }
    await until(() => heard === 200)
    await serverA.getAccessToken()
    await serverB.getAccessToken()
    expect(tab2.counts.reads - reads).toBeGreaterThanOrEqual(4)
    expect(tab2.counts.reads - reads).toBeLessThanOrEqual(8)
    expect(tab2.counts.writes).toBe(0)
    channel.close()
    listener.close()
  })
})
