import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { mcpCall, REDIRECT } from '../test-support/harness.js'

// The DPoP chunk cannot be fetched (the page went offline after it loaded the core).
vi.mock('../dpop/index.js', () => {
  throw new TypeError('Failed to fetch dynamically imported module')
})

const mock = useMockServer()

/** A handle whose storage holds DPoP tokens (expiring in `ttl` ms) from before the outage. */
async function storedDpopTokens(ttl: number) {
  const w = createWorld()
  mock.use(...w.handlers)
  const storage = memoryStorage()
  const tokens: TokenRecord = {
    v: RECORD_VERSION,
    resource: w.options.resource,
    accessToken: 'at-bound',
    refreshToken: 'rt-bound',
    expiresAt: Date.now() + ttl,
    scopes: ['read'],
    issuer: w.options.issuer,
    clientId: 'client-1',
    client: {
      v: RECORD_VERSION,
      issuer: w.options.issuer,
      redirectUri: REDIRECT,
      clientId: 'client-1',
      tokenEndpointAuthMethod: 'none',
      kind: 'dynamic',
    },
    as: { issuer: w.options.issuer, token_endpoint: `${w.options.issuer}/token` },
    tokenType: 'DPoP',
  }
  await storage.set(keys.tokens(w.options.resource), tokens)
  const handle = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() }).server(
    w.options.resource,
  )
  return { w, storage, tokens, handle }
}

describe('the DPoP module does not load', () => {
  test('stored DPoP tokens are kept, and requests fail as transient network errors', async () => {
    const { w, storage, tokens, handle } = await storedDpopTokens(3_600_000)
    expect(await handle.probe()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    await expect(mcpCall(handle)).rejects.toMatchObject({
      code: 'network_error',
      transient: true,
    })
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorized' })
    // Never sent without its proof, and never as a bearer token.
    expect(w.hits(w.options.resource, 'POST')).toHaveLength(0)
    expect(await storage.get(keys.tokens(w.options.resource))).toEqual(tokens)
  })

  test('a refresh that needs the module: network_error, transient, tokens kept, nothing sent', async () => {
    const { w, storage, tokens, handle } = await storedDpopTokens(-1000)
    await expect(handle.getAccessToken()).rejects.toMatchObject({
      code: 'network_error',
      transient: true,
    })
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorized' })
    expect(w.grants('refresh_token')).toHaveLength(0)
    expect(await storage.get(keys.tokens(w.options.resource))).toEqual(tokens)
  })
})
