import { expect, test, vi } from 'vitest'
import { McpAuthError } from '../errors.js'
import { memoryStorage } from '../storage/memory.js'
import { dpopLoader } from './dpop-loader.js'

const offline = vi.hoisted(() => new TypeError('Failed to fetch dynamically imported module'))

// The DPoP chunk cannot be fetched (the page went offline after it loaded the core).
vi.mock('../dpop/index.js', () => {
  throw offline
})

/** The chain of causes of an error, the error first. */
const causes = (error: unknown): unknown[] =>
  error instanceof Error && error.cause !== undefined ? [error, ...causes(error.cause)] : [error]

test('a DPoP module that does not load: a transient network_error that keeps its cause', async () => {
  const load = dpopLoader('auto', memoryStorage())
  const error = await load(undefined, 'DPoP')!.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(McpAuthError)
  expect(error).toMatchObject({
    code: 'network_error',
    message: 'The DPoP module did not load',
    transient: true,
  })
  expect((error as Error).cause).toBeInstanceOf(Error)
  expect(causes(error)).toContain(offline)
})
