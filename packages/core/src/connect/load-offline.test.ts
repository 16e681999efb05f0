import { expect, test, vi } from 'vitest'
import { loadCredentials, loadProbe } from './load.js'

const offline = vi.hoisted(() => new TypeError('Failed to fetch dynamically imported module'))

// Neither chunk can be fetched: the page went offline after it loaded the core.
vi.mock('./credentials.js', () => {
  throw offline
})
vi.mock('../discovery/probe.js', () => {
  throw offline
})

test('a sign-in chunk that does not load says which: a transient network_error with its cause', async () => {
  for (const load of [loadCredentials, loadProbe]) {
    const error = await load().catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'network_error',
      message: 'The sign-in module did not load',
      transient: true,
    })
    expect((error as Error).cause).toBeInstanceOf(Error)
  }
})
