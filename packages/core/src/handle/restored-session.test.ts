import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { RECORD_VERSION, TOKEN_RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { mcpCall, REDIRECT } from '../test-support/harness.js'

// The chunks a page loads on demand: each records that it was loaded.
const { loaded, recorded } = vi.hoisted(() => {
  const loaded = new Set<string>()
  const recorded = (chunk: string) => async (original: () => Promise<unknown>) => {
    loaded.add(chunk)
    return original()
  }
  return { loaded, recorded }
})
vi.mock('../connect/index.js', recorded('connect'))
vi.mock('../connect/credentials.js', recorded('credentials'))
vi.mock('../dpop/index.js', recorded('dpop'))
vi.mock('./revocation.js', recorded('revocation'))
vi.mock('./redirects.js', recorded('redirects'))
vi.mock('./step-up.js', recorded('step-up'))
vi.mock('../discovery/probe.js', recorded('probe'))
vi.mock('../registration/register.js', recorded('registration'))
vi.mock('../connect/exchange-callback.js', recorded('exchange'))
vi.mock('../tokens/token-endpoint.js', recorded('token endpoint'))

const mock = useMockServer()

/** Tokens stored by an earlier page, with the metadata of their issuer, expiring at `expiresAt`. */
async function storedSession(w: ReturnType<typeof createWorld>, expiresAt: number) {
  const storage = memoryStorage()
  const tokens: TokenRecord = {
    v: TOKEN_RECORD_VERSION,
    resource: w.options.resource,
    accessToken: 'at-stored',
    refreshToken: 'rt-stored',
    expiresAt,
    scopes: ['read'],
    issuer: w.options.issuer,
    clientId: 'client-1',
  }
  w.accessTokens.set('at-stored', { scopes: ['read'], issuer: w.options.issuer })
  await storage.set(keys.tokens(w.options.resource), tokens)
  await storage.set(keys.issuer(w.options.issuer), {
    v: RECORD_VERSION,
    as: { issuer: w.options.issuer, token_endpoint: `${w.options.issuer}/token` },
  })
  return storage
}

test('a restored session sends no request and loads no chunk before its first call, nor for it', async () => {
  const w = createWorld()
  mock.use(...w.handlers)
  const storage = await storedSession(w, Date.now() + 3_600_000)
  const sent: string[] = []
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage,
    driver: w.driver(),
    fetch: (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input))
      return fetch(input, init)
    },
  })
  const [server] = await auth.restore()
  expect((await server!.probe()).status).toBe('authorized')
  expect(sent).toEqual([])
  expect([...loaded]).toEqual([])
  expect((await mcpCall(server!)).status).toBe(200)
  expect(sent).toEqual([w.options.resource])
  expect([...loaded]).toEqual([])
})

test('the first refresh loads the token endpoint, and nothing a sign-in needs', async () => {
  const w = createWorld({ refresh: 'server-error' })
  mock.use(...w.handlers)
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: await storedSession(w, Date.now() - 1),
    driver: w.driver(),
  })
  const [server] = await auth.restore()
  await expect(mcpCall(server!)).rejects.toMatchObject({ code: 'server_error' })
  expect(w.grants('refresh_token')).toHaveLength(1)
  // A failed refresh keeps the tokens (a flaky server never signs the user out).
  expect(server!.getSnapshot().status).toBe('authorized')
  expect([...loaded]).toEqual(['token endpoint'])
})
