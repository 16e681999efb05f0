import type { AuthorizationServer } from 'oauth4webapi'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type {
  ClientRecord,
  IssuerRecord,
  TokenRecord,
  TokenRecordV1,
} from '../contracts/records.js'
import { RECORD_VERSION, TOKEN_RECORD_VERSION } from '../contracts/records.js'
import { keys } from '../storage/records.js'
import { instrumented } from '../test-support/harness.js'
import { issuerHints, keepIssuer, knownIssuer, shareCopies, upgradeTokens } from './issuer-hints.js'

type Ctx = Parameters<typeof keepIssuer>[0]

afterEach(() => {
  vi.restoreAllMocks()
})

// The copies are kept for the whole page: every test names its own issuer, so the first copy
// of each value it reads is its own.
let n = 0
const nextIssuer = () => `https://as${++n}.example`

/** An instance's hints over a storage kept in a map, counted and faultable. */
function instance() {
  const map = new Map<string, unknown>()
  const { storage, counts, control } = instrumented({
    kind: 'custom',
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  })
  const ctx = { issuerHints: issuerHints(), storage } as unknown as Ctx
  return { ctx, map, counts, control }
}

const metadata = (issuer: string, path = '/token'): AuthorizationServer => ({
  issuer,
  token_endpoint: `${issuer}${path}`,
})

/** A token record as storage returns it: every read is a fresh copy of every value. */
function stored(issuer: string, resource: string, accessToken: string): TokenRecord {
  const client: ClientRecord = {
    v: RECORD_VERSION,
    issuer,
    redirectUri: 'https://app.example/cb',
    clientId: 'client-1',
    tokenEndpointAuthMethod: 'none',
    kind: 'dynamic',
    scope: 'read write',
  }
  return structuredClone({
    v: TOKEN_RECORD_VERSION,
    resource,
    accessToken,
    refreshToken: `refresh-of-${accessToken}`,
    expiresAt: Date.UTC(2026, 0, 1),
    scopes: ['read', 'write'],
    issuer,
    clientId: 'client-1',
    client,
    tokenType: 'DPoP',
  })
}

describe('one copy per page of what token records repeat', () => {
  test('records read apart share one copy of their client and scopes', () => {
    const issuer = nextIssuer()
    const a = stored(issuer, `${issuer}/mcp/a`, 'access-a')
    const b = stored(issuer, `${issuer}/mcp/b`, 'access-b')
    expect(b.client).not.toBe(a.client)

    expect(shareCopies(a)).toBe(a)
    const aClient = a.client
    const aScopes = a.scopes
    expect(shareCopies(b)).toBe(b)
    expect(b.client).toBe(aClient)
    expect(b.scopes).toBe(aScopes)
    expect(a.client).toBe(aClient)
    expect(b).toEqual(stored(issuer, `${issuer}/mcp/b`, 'access-b'))
  })

  test('a value is shared only with equal ones', () => {
    const issuer = nextIssuer()
    const a = shareCopies(stored(issuer, `${issuer}/mcp/a`, 'access-a'))
    const other = stored(issuer, `${issuer}/mcp/b`, 'access-b')
    other.scopes = ['read']
    shareCopies(other)
    expect(other.scopes).toEqual(['read'])
    expect(other.scopes).not.toBe(a.scopes)
    expect(other.client).toBe(a.client)
  })

  test('tokens and numbers never reach the copies', () => {
    const issuer = nextIssuer()
    const record = stored(issuer, `${issuer}/mcp/a`, 'access-a')
    const stringify = vi.spyOn(JSON, 'stringify')
    shareCopies(record)
    const seen = stringify.mock.calls.map(([value]) => value)
    stringify.mockRestore()
    expect(seen).not.toContain('access-a')
    expect(seen).not.toContain('refresh-of-access-a')
    expect(seen.filter((value) => typeof value === 'number')).toEqual([])
    expect(seen).toEqual([
      record.resource,
      record.scopes,
      issuer,
      'client-1',
      record.client,
      'DPoP',
    ])
    expect(record).toMatchObject({ accessToken: 'access-a', refreshToken: 'refresh-of-access-a' })
  })
})

describe('AS metadata: one copy per issuer and instance', () => {
  test('the first copy of an issuer is kept; a later one does not replace it', () => {
    const { ctx } = instance()
    const issuer = nextIssuer()
    const first = metadata(issuer)
    const later = metadata(issuer, '/other-token')
    expect(keepIssuer(ctx, first)).toBe(first)
    expect(keepIssuer(ctx, later)).toBe(first)
    expect(ctx.issuerHints.metadata.get(issuer)).toBe(first)
    const another = metadata(nextIssuer())
    expect(keepIssuer(ctx, another)).toBe(another)
    expect(ctx.issuerHints.metadata.size).toBe(2)
  })

  test('known: the instance copy before storage, then the stored one kept from then on', async () => {
    const { ctx, map, counts } = instance()
    const issuer = nextIssuer()
    const onCorrupt = vi.fn()
    expect(await knownIssuer(ctx, issuer, onCorrupt)).toBeUndefined()
    const record: IssuerRecord = { v: RECORD_VERSION, as: metadata(issuer) }
    map.set(keys.issuer(issuer), record)
    const found = await knownIssuer(ctx, issuer, onCorrupt)
    expect(found).toEqual(metadata(issuer))
    expect(ctx.issuerHints.metadata.get(issuer)).toBe(found)
    const reads = counts.reads
    map.delete(keys.issuer(issuer))
    expect(await knownIssuer(ctx, issuer, onCorrupt)).toBe(found)
    expect(counts.reads).toBe(reads)
    expect(onCorrupt).not.toHaveBeenCalled()
  })

  test('stored metadata of another issuer is not taken for this one', async () => {
    const { ctx, map } = instance()
    const issuer = nextIssuer()
    map.set(keys.issuer(issuer), { v: RECORD_VERSION, as: metadata(nextIssuer()) })
    expect(await knownIssuer(ctx, issuer, vi.fn())).toBeUndefined()
    expect(ctx.issuerHints.metadata.size).toBe(0)
  })
})

describe('a version 1 token record, with its own copy of the AS metadata', () => {
  const v1 = (issuer: string, as?: AuthorizationServer): TokenRecordV1 => {
    const { v: _, ...tokens } = stored(issuer, `${issuer}/mcp`, 'access')
    return { ...tokens, v: 1, ...(as ? { as } : {}) }
  }

  test('becomes version 2; its metadata becomes the issuer copy, kept and stored once', () => {
    const { ctx, map, counts } = instance()
    const issuer = nextIssuer()
    const as = metadata(issuer)
    const upgraded = upgradeTokens(ctx, v1(issuer, as))
    expect(upgraded).toEqual(stored(issuer, `${issuer}/mcp`, 'access'))
    expect(upgraded).not.toHaveProperty('as')
    expect(ctx.issuerHints.metadata.get(issuer)).toBe(as)
    expect(counts.writes).toBe(1)
    expect([...map]).toEqual([[keys.issuer(issuer), { v: RECORD_VERSION, as }]])

    upgradeTokens(ctx, v1(issuer, metadata(issuer, '/other-token')))
    expect(ctx.issuerHints.metadata.get(issuer)).toBe(as)
    expect(counts.writes).toBe(1)
  })

  test('metadata of another issuer than the tokens is dropped, neither kept nor stored', () => {
    const { ctx, counts } = instance()
    const issuer = nextIssuer()
    const upgraded = upgradeTokens(ctx, v1(issuer, metadata(nextIssuer())))
    expect(upgraded.v).toBe(TOKEN_RECORD_VERSION)
    expect(upgraded).not.toHaveProperty('as')
    expect(ctx.issuerHints.metadata.size).toBe(0)
    expect(counts.writes).toBe(0)
  })

  test('without metadata it is upgraded alone', () => {
    const { ctx, counts } = instance()
    const issuer = nextIssuer()
    expect(upgradeTokens(ctx, v1(issuer))).toEqual(stored(issuer, `${issuer}/mcp`, 'access'))
    expect(ctx.issuerHints.metadata.size).toBe(0)
    expect(counts.writes).toBe(0)
  })

  test('a failed write of the issuer copy loses nothing: the instance keeps it', () => {
    const { ctx, counts, control } = instance()
    control.failWrites = true
    const issuer = nextIssuer()
    const as = metadata(issuer)
    expect(upgradeTokens(ctx, v1(issuer, as)).v).toBe(TOKEN_RECORD_VERSION)
    expect(counts.writes).toBe(1)
    expect(ctx.issuerHints.metadata.get(issuer)).toBe(as)
  })
})
