import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, expect, test, vi } from 'vitest'
import type { TokenRecord } from '../contracts/records.js'
import { keys } from '../storage/records.js'
import { setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => {
  vi.useRealTimers()
})

const offline = vi.hoisted(() => new TypeError('Failed to fetch dynamically imported module'))

// The refresh's code cannot be fetched: the page went offline after it loaded the core.
vi.mock('./token-refresh.js', () => {
  throw offline
})

test('a refresh whose code does not load: a transient network_error, reported; the tokens stay', async () => {
  const w = createWorld()
  const { handle, storage } = setupWorld(mock, w)
  await handle.authorize()
  const key = keys.tokens(handle.url)
  const stored = (await storage.get(key)) as TokenRecord
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(stored.expiresAt!)
  const error = await handle.getAccessToken().catch((e: unknown) => e)
  expect(error).toMatchObject({ code: 'network_error', transient: true })
  expect(handle.getSnapshot()).toMatchObject({
    status: 'authorized',
    error: { code: 'network_error' },
  })
  expect(await storage.get(key)).toEqual(stored)
  expect(w.grants('refresh_token')).toHaveLength(0)
})
