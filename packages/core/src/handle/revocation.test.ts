import { createWorld, useMockServer, type WorldOptions } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { TokenRecord } from '../contracts/records.js'
import { keys } from '../storage/records.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

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
