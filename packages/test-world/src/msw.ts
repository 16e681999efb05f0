import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

/**
 * An msw server for one test file: listens before the tests, fails on any request no handler
 * answers (so no test reaches the real network), and drops per-test handlers after each test.
 */
export function useMockServer() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}

/** A promise with its resolve function exposed, to hold a response until the test says so. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** A fetch that records the URLs it was asked for, then hands over to the global fetch (msw). */
export function recordingFetch() {
  const urls: string[] = []
  const fetchFn: typeof fetch = (input, init) => {
    urls.push(input instanceof Request ? input.url : String(input))
    return globalThis.fetch(input, init)
  }
  return { fetch: fetchFn, urls }
}
