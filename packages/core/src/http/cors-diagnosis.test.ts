import { afterEach, describe, expect, test, vi } from 'vitest'
import { corsBlocked } from './cors-diagnosis.js'

const url = 'https://mcp.example.com/mcp'
const cause = new TypeError('Failed to fetch')
const opaque = () => Object.defineProperty(new Response(null), 'type', { value: 'opaque' })

afterEach(() => vi.unstubAllGlobals())

describe('corsBlocked', () => {
  test('the check is a credential-less, uncached HEAD in no-cors mode', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    const probe = vi.fn(async (_input: unknown, _init?: RequestInit) => opaque())
    vi.stubGlobal('fetch', probe)
    const error = await corsBlocked(url, 'MCP', cause)
    expect(error).toMatchObject({ code: 'cors_blocked', details: { url, step: 'MCP' } })
    expect(error?.cause).toBe(cause)
    expect(probe).toHaveBeenCalledTimes(1)
    expect(probe.mock.calls[0]).toEqual([
      url,
      { method: 'HEAD', mode: 'no-cors', credentials: 'omit', cache: 'no-store' },
    ])
  })

  test('a response the page can read is not a CORS refusal', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async () => new Response(null))
    expect(await corsBlocked(url, 'MCP', cause)).toBeUndefined()
  })

  test('outside a page (no document) nothing is checked, even with a location', async () => {
    vi.stubGlobal('location', { origin: 'https://app.example' })
    const probe = vi.fn(async () => opaque())
    vi.stubGlobal('fetch', probe)
    expect(await corsBlocked(url, 'MCP', cause)).toBeUndefined()
    expect(probe).not.toHaveBeenCalled()
  })

  test('a document without a location (a worker-like global) is not checked', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', undefined)
    const probe = vi.fn(async () => opaque())
    vi.stubGlobal('fetch', probe)
    expect(await corsBlocked(url, 'MCP', cause)).toBeUndefined()
    expect(probe).not.toHaveBeenCalled()
  })

  test('a host that does not answer the check either is a network failure', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    expect(await corsBlocked(url, 'MCP', cause)).toBeUndefined()
  })
})
