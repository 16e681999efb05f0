import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { IssuerRecord, TokenRecord, TokenRecordV1 } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'
import { contexts } from '../tracing.js'

// Token records of version 1 carried a copy of their authorization server's metadata; version 2
// refers to one copy per issuer (`issuer:<issuer>`). A page updated to this version must keep
// every session its storage holds.

const mock = useMockServer()

type World = ReturnType<typeof createWorld>
const isAsMetadata = (url: string) =>
  /\/\.well-known\/(oauth-authorization-server|openid-configuration)/.test(url)

/** Storage as the previous version left it: authorized `servers`, version 1 records only. */
async function storedByVersion1(w: World, servers: string[]): Promise<TokenStorage> {
  const { auth, storage } = setupWorld(mock, w)
  for (const url of servers) await auth.server(url).authorize()
  const { as } = (await storage.get(keys.issuer(w.options.issuer))) as IssuerRecord
  for (const url of servers) {
    const record = (await storage.get(keys.tokens(url))) as TokenRecord
    await storage.set(keys.tokens(url), { ...record, v: 1, as } satisfies TokenRecordV1)
  }
  await storage.delete(keys.issuer(w.options.issuer))
  return storage
}

const reloaded = (w: World, storage: TokenStorage) =>
  createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })

describe('token records of version 1 keep working', () => {
  test('restored without a request, used, refreshed: then stored as version 2 beside one copy of the AS metadata', async () => {
    const w = createWorld({ accessTokenTtl: 0, prmAt: 'root' })
    const url = w.options.resource
    const storage = await storedByVersion1(w, [url])
    const before = w.requests.length

    const [handle] = await reloaded(w, storage).restore()
    expect((await handle!.probe()).status).toBe('authorized')
    expect(w.requests.length).toBe(before)
    // The token is expired: the call refreshes it with the version 1 record's metadata.
    expect((await mcpCall(handle!)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(w.requests.slice(before).some((r) => isAsMetadata(r.url))).toBe(false)

    const record = (await storage.get(keys.tokens(url))) as Record<string, unknown>
    expect(record.v).toBe(2)
    expect(record).not.toHaveProperty('as')
    const issuer = (await storage.get(keys.issuer(w.options.issuer))) as IssuerRecord
    expect(issuer).toMatchObject({ v: 1, as: { issuer: w.options.issuer } })

    // The next page reads version 2 and the stored metadata: still no discovery.
    const again = reloaded(w, storage).server(url)
    expect((await mcpCall(again)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(2)
    expect(w.requests.slice(before).some((r) => isAsMetadata(r.url))).toBe(false)
  })

  test('a disconnect revokes at the revocation endpoint the version 1 record names', async () => {
    const w = createWorld({ prmAt: 'root' })
    const storage = await storedByVersion1(w, [w.options.resource])
    const handle = reloaded(w, storage).server(w.options.resource)
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toMatchObject({ accessToken: 'revoked', refreshToken: 'revoked' })
    expect(w.revoked).toHaveLength(2)
  })

  test('servers of one issuer restored from version 1 share one copy of the AS metadata', async () => {
    const w = createWorld({ prmAt: 'root' })
    const urls = [1, 2, 3].map((n) => `${w.options.resource}/${n}`)
    const storage = await storedByVersion1(w, urls)
    const auth = reloaded(w, storage)
    const handles = await auth.restore()
    await Promise.all(handles.map((h) => h.probe()))
    const { metadata } = contexts.get(auth)!.issuerHints
    expect([...metadata.keys()]).toEqual([w.options.issuer])
  })
})

describe('the AS metadata of stored tokens', () => {
  test('stored once per issuer, before the token records that refer to it', async () => {
    const w = createWorld({ prmAt: 'root' })
    const storage = memoryStorage()
    const order: string[] = []
    const watched: TokenStorage = {
      ...storage,
      set: (key, value) => {
        order.push(key.split(':')[0]!)
        return storage.set(key, value)
      },
    }
    const { auth } = setupWorld(mock, w, { storage: watched })
    await Promise.all([1, 2].map((n) => auth.server(`${w.options.resource}/${n}`).authorize()))
    expect(await storage.keys('issuer:')).toEqual([keys.issuer(w.options.issuer)])
    expect(order.indexOf('issuer')).toBeLessThan(order.indexOf('tokens'))
    for (const key of await storage.keys('tokens:')) {
      expect(await storage.get(key)).not.toHaveProperty('as')
    }
  })

  test('when the stored copy is gone, a refresh discovers it anew and keeps the tokens', async () => {
    const w = createWorld({ accessTokenTtl: 0, prmAt: 'root' })
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    await storage.delete(keys.issuer(w.options.issuer))
    const before = w.requests.length
    const again = reloaded(w, storage).server(w.options.resource)
    expect((await mcpCall(again)).status).toBe(200)
    expect(w.requests.slice(before).filter((r) => isAsMetadata(r.url)).length).toBeGreaterThan(0)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(await storage.get(keys.issuer(w.options.issuer))).toMatchObject({
      as: { issuer: w.options.issuer },
    })
  })
})
