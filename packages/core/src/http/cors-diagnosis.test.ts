import { afterEach, describe, expect, test, vi } from 'vitest'
import { corsBlocked, corsRefusal, RELAY_GUIDE } from './cors-diagnosis.js'

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

describe('corsRefusal: how to fix it', () => {
  test('an MCP request: every header a client sends, the 2026-07-28 ones included, and the relay', () => {
    vi.stubGlobal('location', { origin: 'https://app.example' })
    const error = corsRefusal(url, 'MCP', cause)
    expect(error).toMatchObject({ code: 'cors_blocked', transient: false, cause })
    expect(error.details).toEqual({
      url,
      step: 'MCP',
      allowHeaders: [
        'authorization',
        'content-type',
        'mcp-protocol-version',
        'mcp-session-id',
        'mcp-method',
        'mcp-name',
        'last-event-id',
      ],
      exposeHeaders: ['www-authenticate', 'mcp-session-id'],
    })
    expect(error.message).toBe(
      `The MCP request to ${url} was blocked by CORS. Either the server answers this page with ` +
        'Access-Control-Allow-Origin: https://app.example; Access-Control-Allow-Headers: ' +
        'authorization, content-type, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name, ' +
        'last-event-id; Access-Control-Expose-Headers: www-authenticate, mcp-session-id, or the ' +
        'app sends it through its relay: deploy createMcpRelay() from @mcp-oauth/core/relay and ' +
        `pass relay: '/mcp-relay' to createMcpAuth() (${RELAY_GUIDE}).`,
    )
    expect(RELAY_GUIDE).toMatch(/\/docs\/guide\/real-servers\.md$/)
  })

  test('a request that carried a proof names dpop, and DPoP-Nonce to expose', () => {
    const error = corsRefusal(`${url}/token`, 'token', undefined, ['DPoP', 'accept'])
    expect(error.details).toMatchObject({ allowHeaders: ['dpop'], exposeHeaders: ['dpop-nonce'] })
    expect(error.message).toContain('Access-Control-Allow-Headers: dpop;')
    expect(error.message).toContain('Access-Control-Expose-Headers: dpop-nonce,')
  })

  test('a metadata GET needs no header; outside a page the origin is described', () => {
    const error = corsRefusal(url, 'authorization server metadata')
    expect(error.details).toMatchObject({ allowHeaders: [], exposeHeaders: [] })
    expect(error.message).toContain(
      "answers this page with Access-Control-Allow-Origin: this app's origin, or the app",
    )
  })
})
