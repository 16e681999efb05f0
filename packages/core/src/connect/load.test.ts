import { afterEach, describe, expect, test, vi } from 'vitest'

afterEach(() => {
  vi.doUnmock('./index.js')
  vi.doUnmock('./finish-redirect.js')
  vi.resetModules()
})

describe('the sign-in chunk loads on demand', () => {
  test('a chunk that fails to load is a transient network_error, and the next call loads it again', async () => {
    const offline = new TypeError('Failed to fetch dynamically imported module')
    let attempts = 0
    vi.doMock('./index.js', () => {
      attempts++
      throw offline
    })
    vi.resetModules()
    const { loadConnect } = await import('./load.js')
    // The error class of the module graph just loaded.
    const { McpAuthError } = await import('../errors.js')
    const failure = await loadConnect().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(McpAuthError)
    expect(failure).toMatchObject({
      code: 'network_error',
      message: 'The sign-in module did not load',
      transient: true,
    })
    expect((failure as Error).cause).toBeInstanceOf(Error)
    vi.doUnmock('./index.js')
    const loaded = await loadConnect()
    expect(typeof loaded.runDiscovery).toBe('function')
    expect(attempts).toBe(1)
  })

  test('once loaded, every call shares the same module', async () => {
    vi.resetModules()
    const { loadConnect } = await import('./load.js')
    const first = loadConnect()
    expect(loadConnect()).toBe(first)
    expect(await first).toBe(await loadConnect())
  })

  test('what finishing a full-page redirect takes is a chunk too, typed when it does not load', async () => {
    vi.doMock('./finish-redirect.js', () => {
      throw new TypeError('Failed to fetch dynamically imported module')
    })
    vi.resetModules()
    const { loadRedirect } = await import('./load.js')
    await expect(loadRedirect()).rejects.toMatchObject({
      code: 'network_error',
      message: 'The sign-in module did not load',
    })
    vi.doUnmock('./finish-redirect.js')
    expect(typeof (await loadRedirect()).finishRedirect).toBe('function')
  })
})
