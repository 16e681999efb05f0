import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { expect, test, vi } from 'vitest'
import { setupWorld } from '../test-support/harness.js'

// The revocation code is a chunk loaded by the first disconnect; here it cannot be fetched (the
// page went offline after it loaded the core). The logout happens all the same.
vi.mock('./revocation.js', () => {
  throw new TypeError('Failed to fetch dynamically imported module')
})

const mock = useMockServer()

test('a revocation module that does not load: disconnected all the same, revocation failed', async () => {
  const w = createWorld()
  const { handle, storage } = setupWorld(mock, w)
  await handle.authorize()
  const snapshot = await handle.disconnect()
  expect(snapshot).toMatchObject({
    status: 'disconnected',
    revocation: { accessToken: 'failed' },
  })
  expect(await storage.keys('tokens:')).toEqual([])
  expect(w.revoked).toEqual([])
})
