import type { World } from '@mcp-oauth/test-world'
import type { SetupServer } from 'msw/node'
import { expect } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { AuthorizeOptions } from '../contracts/authorize.js'
import type { McpAuthOptions } from '../contracts/options.js'
import type { PendingRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { memoryStorage } from '../storage/memory.js'

export const REDIRECT = 'https://app.example/cb'

/** Installs the world's handlers and creates an auth instance driven by the world's driver. */
export function setupWorld(
  mock: SetupServer,
  world: World,
  options: {
    storage?: TokenStorage
    response?: Parameters<World['driver']>[0]
    auth?: Partial<McpAuthOptions>
  } = {},
) {
  mock.use(...world.handlers)
  const storage = options.storage ?? memoryStorage()
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage,
    driver: world.driver(options.response),
    ...options.auth,
  })
  return { auth, storage, handle: auth.server(world.options.resource) }
}

/**
 * A page that starts a full-page redirect flow and navigates away: the flow never resolves in
 * this instance. Resolves once the pending record is stored, with the URL the AS sends back to.
 */
export async function leaveForTheAs(
  mock: SetupServer,
  world: World,
  storage: TokenStorage,
  authorize: AuthorizeOptions = {},
): Promise<{ callbackUrl: string; pending: PendingRecord }> {
  mock.use(...world.handlers)
  let callbackUrl = ''
  const before = createMcpAuth({
    redirectUri: REDIRECT,
    storage,
    driver: async (request) => {
      callbackUrl = await world.driver()(request)
      return new Promise<string>(() => {})
    },
  })
  void before.server(world.options.resource).authorize(authorize)
  await expect.poll(() => callbackUrl).not.toBe('')
  await expect.poll(async () => (await storage.keys('pending:')).length).toBe(1)
  const [key] = await storage.keys('pending:')
  return { callbackUrl, pending: (await storage.get(key!)) as PendingRecord }
}

/** An MCP JSON-RPC request through a handle's fetch. */
export function mcpCall(
  handle: { fetch: typeof fetch; url: string },
  method = 'tools/list',
  params: Record<string, unknown> = {},
  url = handle.url,
) {
  return handle.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
}

/** Every key and value in a storage, to compare before and after. */
export async function dump(storage: TokenStorage): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const key of (await storage.keys('')).sort()) out[key] = await storage.get(key)
  return out
}

/** What `make` throws; fails the test when it does not throw. */
export function fails(make: () => unknown): unknown {
  try {
    make()
  } catch (error) {
    return error
  }
  throw new Error('did not throw')
}

/**
 * A storage that counts what it is asked, and can be slowed down (`delay` ms per read) or made
 * to refuse reads or writes (`failReads`, `failWrites`), to see what a tab message, a restore or
 * a fault costs.
 * `entries` is offered only when the wrapped storage has it.
 */
export function instrumented(inner: TokenStorage) {
  const counts = { reads: 0, writes: 0, batches: 0 }
  const control = { delay: 0, failReads: false, failWrites: false }
  const pause = async () => {
    if (control.delay) await new Promise((resolve) => setTimeout(resolve, control.delay))
    if (control.failReads) throw new DOMException('The database is closing', 'InvalidStateError')
  }
  const write = async (run: () => Promise<void>) => {
    counts.writes++
    if (control.failWrites) throw new DOMException('The disk is full', 'QuotaExceededError')
    await run()
  }
  const storage: TokenStorage = {
    kind: inner.kind,
    async get(key) {
      counts.reads++
      await pause()
      return inner.get(key)
    },
    set: (key, value) => write(() => inner.set(key, value)),
    delete: (key) => write(() => inner.delete(key)),
    async keys(prefix) {
      counts.reads++
      return inner.keys(prefix)
    },
  }
  const { entries } = inner
  if (entries) {
    storage.entries = async () => {
      counts.reads++
      counts.batches++
      return entries.call(inner)
    }
  }
  return { storage, counts, control }
}
