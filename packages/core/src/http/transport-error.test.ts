import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpAuthError } from '../errors.js'
import { defaultFetch, transportError } from './transport-error.js'

const url = 'https://mcp.example.com/mcp'

/** A page on another origin whose fetch fails like a browser's: TypeError for the real request. */
function browserPage(probe: (init: RequestInit) => Response | Promise<Response>) {
  const calls: RequestInit[] = []
  vi.stubGlobal('document', {})
  vi.stubGlobal('location', { origin: 'https://app.example' })
  vi.stubGlobal('fetch', async (_input: unknown, init: RequestInit = {}) => {
    calls.push(init)
    if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
    return probe(init)
  })
  return calls
}

const opaque = () => Object.defineProperty(new Response(null), 'type', { value: 'opaque' })

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('transportError', () => {
  it('reports cors_blocked when the host answers a no-cors request', async () => {
    const calls = browserPage(opaque)
    const error = await transportError(defaultFetch, url, 'token', new TypeError('Failed to fetch'))
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error.code).toBe('cors_blocked')
    expect(error.transient).toBe(false)
    expect(error.details).toEqual({ url, step: 'token', allowHeaders: [], exposeHeaders: [] })
    for (const text of [
      url,
      'token request',
      'Access-Control-Allow-Origin: https://app.example',
      "relay: '/mcp-relay'",
    ]) {
      expect(error.message).toContain(text)
    }
    // The check carries no credentials and no header (no token can leak through it).
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ mode: 'no-cors', credentials: 'omit' })
    expect(calls[0]!.headers).toBeUndefined()
  })

  it('names the headers the request carried, and passes a typed error on as it is', async () => {
    browserPage(opaque)
    const error = await transportError(defaultFetch, url, 'token', new TypeError('x'), ['dpop'])
    expect(error.details).toMatchObject({ allowHeaders: ['dpop'], exposeHeaders: ['dpop-nonce'] })
    const relayed = new McpAuthError('relay_refused', 'no')
    expect(await transportError(defaultFetch, url, 'MCP', relayed)).toBe(relayed)
  })

  it('keeps network_error (transient) when the host does not answer either', async () => {
    browserPage(() => {
      throw new TypeError('Failed to fetch')
    })
    const error = await transportError(defaultFetch, url, 'MCP', new TypeError('Failed to fetch'))
    expect(error.code).toBe('network_error')
    expect(error.transient).toBe(true)
  })

  it('does not check a same-origin URL', async () => {
    const calls = browserPage(opaque)
    const sameOrigin = 'https://app.example/mcp'
    const error = await transportError(defaultFetch, sameOrigin, 'MCP', new TypeError('x'))
    expect(error.code).toBe('network_error')
    expect(calls).toHaveLength(0)
  })

  it('does not blame CORS for an app-provided fetch (a proxy may have failed)', async () => {
    const calls = browserPage(opaque)
    const proxy: typeof fetch = (input, init) => globalThis.fetch(input, init)
    const error = await transportError(proxy, url, 'token', new TypeError('Failed to fetch'))
    expect(error.code).toBe('network_error')
    expect(calls).toHaveLength(0)
  })

  it('keeps network_error outside a browser, where no-cors means nothing', async () => {
    const probe = vi.fn(async () => opaque())
    vi.stubGlobal('fetch', probe)
    const error = await transportError(defaultFetch, url, 'token', new TypeError('fetch failed'))
    expect(error.code).toBe('network_error')
    expect(probe).not.toHaveBeenCalled()
  })

  it('outside a browser the CORS check is not even loaded', async () => {
    const loaded = vi.fn()
    vi.doMock('./cors-diagnosis.js', () => {
      loaded()
      return { corsBlocked: async () => undefined }
    })
    try {
      const error = await transportError(defaultFetch, url, 'token', new TypeError('fetch failed'))
      expect(error.code).toBe('network_error')
      expect(loaded).not.toHaveBeenCalled()
    } finally {
      vi.doUnmock('./cors-diagnosis.js')
    }
  })
})
