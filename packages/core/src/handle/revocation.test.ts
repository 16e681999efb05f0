import { createWorld, useMockServer, type WorldOptions } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { RevocationRecord, TokenRecord } from '../contracts/records.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

/** The access-token revocations the world received. */
const accessTokenRevocations = (w: ReturnType<typeof createWorld>) =>
  w
    .hits('/revoke')
    .filter((r) => new URLSearchParams(r.body).get('token_type_hint') === 'access_token')

async function disconnectAfterAuthorize(options: Partial<WorldOptions>) {
  const w = createWorld(options)
  const { handle } = setupWorld(mock, w)
  const authorized = await handle.authorize()
  const snapshot = await handle.disconnect()
  return { w, handle, authorized, snapshot }
}

describe('disconnect says what the authorization server did (RFC 7009)', () => {
  test('both tokens revoked', async () => {
    const { snapshot, handle } = await disconnectAfterAuthorize({})
    expect(snapshot.status).toBe('disconnected')
    expect(snapshot.revocation).toEqual({ accessToken: 'revoked', refreshToken: 'revoked' })
    expect(handle.getSnapshot()).toBe(snapshot)
  })

  test('the AS refuses to revoke the access token (unsupported_token_type): it says until when it lasts', async () => {
    const { snapshot, authorized } = await disconnectAfterAuthorize({
      revocation: 'unsupported_token_type',
    })
    expect(snapshot.status).toBe('disconnected')
    expect(snapshot.revocation).toEqual({
      accessToken: 'unsupported',
      refreshToken: 'revoked',
      accessTokenExpiresAt: authorized.expiresAt,
    })
  })

  test('no revocation endpoint: both unsupported', async () => {
    const { snapshot, w } = await disconnectAfterAuthorize({
      as: { revocation_endpoint: undefined },
    })
    expect(w.hits('/revoke')).toHaveLength(0)
    expect(snapshot.revocation).toMatchObject({
      accessToken: 'unsupported',
      refreshToken: 'unsupported',
    })
    expect(snapshot.revocation?.accessTokenExpiresAt).toEqual(expect.any(Number))
  })

  test.each(['server-error', 'network-error'] as const)(
    'a revocation %s is failed',
    async (revocation) => {
      const { snapshot } = await disconnectAfterAuthorize({ revocation })
      expect(snapshot.status).toBe('disconnected')
      expect(snapshot.revocation).toMatchObject({ accessToken: 'failed', refreshToken: 'failed' })
    },
  )

  test('a static token (no authorization server) is unsupported, with no refresh token entry', async () => {
    const w = createWorld({
      resource: 'https://static.example.com/mcp',
      challenge: 'Bearer',
      prm: null,
      as: null,
    })
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.submitToken('s3cret')
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toStrictEqual({ accessToken: 'unsupported' })
  })

  test('the next authorization clears the report', async () => {
    const { handle } = await disconnectAfterAuthorize({})
    expect(handle.getSnapshot().revocation).toBeDefined()
    expect((await handle.probe()).revocation).toBeDefined()
    const again = await handle.authorize()
    expect(again.status).toBe('authorized')
    expect(again.revocation).toBeUndefined()
  })

  test('stored tokens whose client is unknown are not revoked: both unsupported, the expiry said', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const key = keys.tokens(handle.url)
    const record = (await storage.get(key)) as TokenRecord
    const { issuer: _issuer, ...withoutIssuer } = record
    await storage.set(key, withoutIssuer)
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const revocations = w.hits('/revoke').length
    const snapshot = await other.server(handle.url).disconnect()
    expect(snapshot.revocation).toStrictEqual({
      accessToken: 'unsupported',
      refreshToken: 'unsupported',
      accessTokenExpiresAt: record.expiresAt,
    })
    expect(w.hits('/revoke')).toHaveLength(revocations)
    expect(await storage.get(key)).toBeUndefined()
  })

  test('a refresh token without an authorization server to revoke it at is unsupported', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await storage.set(keys.tokens(handle.url), {
      v: 2,
      resource: handle.url,
      accessToken: 'at-x',
      refreshToken: 'rt-x',
      scopes: [],
    } satisfies TokenRecord)
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toStrictEqual({
      accessToken: 'unsupported',
      refreshToken: 'unsupported',
    })
    expect(w.hits('/revoke')).toHaveLength(0)
  })
})

describe('an access-token revocation the authorization server refused is not sent again (RFC 7009 §2.2.1)', () => {
  test('the second disconnect sends only the refresh token and reports the same', async () => {
    const w = createWorld({ revocation: 'unsupported_token_type' })
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    await handle.disconnect()
    expect(accessTokenRevocations(w)).toHaveLength(1)
    const authorized = await handle.authorize()
    const snapshot = await handle.disconnect()
    expect(accessTokenRevocations(w)).toHaveLength(1)
    expect(snapshot.revocation).toEqual({
      accessToken: 'unsupported',
      refreshToken: 'revoked',
      accessTokenExpiresAt: authorized.expiresAt,
    })
    expect(w.hits('/revoke')).toHaveLength(3)
  })

  test('remembered in storage per issuer: another instance after a reload does not ask either', async () => {
    const w = createWorld({ revocation: 'unsupported_token_type' })
    const storage = memoryStorage()
    const { handle } = setupWorld(mock, w, { storage })
    await handle.authorize()
    await handle.disconnect()
    const record = (await storage.get(keys.revocation(w.options.issuer))) as RevocationRecord
    expect(record).toMatchObject({ v: 1, issuer: w.options.issuer })
    expect(record.until).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000)
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const again = reloaded.server(handle.url)
    await again.authorize()
    expect((await again.disconnect()).revocation?.accessToken).toBe('unsupported')
    expect(accessTokenRevocations(w)).toHaveLength(1)
  })

  test('after the memory runs out, or when it is unreadable, the server is asked again', async () => {
    const w = createWorld({ revocation: 'unsupported_token_type' })
    const { handle, storage } = setupWorld(mock, w)
    const key = keys.revocation(w.options.issuer)
    await storage.set(key, { v: 1, issuer: w.options.issuer, until: Date.now() - 1 })
    await handle.authorize()
    await handle.disconnect()
    expect(accessTokenRevocations(w)).toHaveLength(1)
    await storage.set(key, { v: 1, issuer: w.options.issuer })
    await handle.authorize()
    await handle.disconnect()
    expect(accessTokenRevocations(w)).toHaveLength(2)
  })

  test('a server that revokes access tokens, or answers 5xx, is asked every time and nothing is stored', async () => {
    for (const revocation of ['ok', 'server-error'] as const) {
      const w = createWorld({ revocation })
      const { handle, storage } = setupWorld(mock, w)
      await handle.authorize()
      await handle.disconnect()
      await handle.authorize()
      await handle.disconnect()
      expect(accessTokenRevocations(w)).toHaveLength(2)
      expect(await storage.keys('revocation:')).toEqual([])
      mock.resetHandlers()
    }
  })
})
