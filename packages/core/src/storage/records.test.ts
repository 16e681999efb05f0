import { describe, expect, test } from 'vitest'
import { RECORD_VERSION } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { memoryStorage } from './memory.js'
import { keys, readRecord } from './records.js'

type Kind = Parameters<typeof readRecord>[2]

/** Stores `value` under `key` and reads it back as a `kind` record, collecting reports. */
async function read(kind: Kind, value: unknown, storage: TokenStorage = memoryStorage()) {
  const key = 'record'
  await storage.set(key, value)
  const reported: [string, unknown][] = []
  const record = await readRecord(storage, key, kind, (k, v) => reported.push([k, v]))
  return { record, reported }
}

async function accepted(kind: Kind, value: Record<string, unknown>) {
  const { record, reported } = await read(kind, value)
  expect(reported).toEqual([])
  expect(record).toEqual(value)
}

async function refused(kind: Kind, value: unknown) {
  const { record, reported } = await read(kind, value)
  expect(record).toBeUndefined()
  expect(reported).toEqual([['record', value]])
}

const client = {
  v: RECORD_VERSION,
  issuer: 'https://as.example.com',
  redirectUri: 'https://app.example.com/cb',
  clientId: 'client-1',
  tokenEndpointAuthMethod: 'none',
  kind: 'dynamic',
}

const tokens = {
  v: RECORD_VERSION,
  resource: 'https://mcp.example.com/mcp',
  accessToken: 'at',
  scopes: ['read'],
}

const pending = {
  v: RECORD_VERSION,
  state: 'state-1',
  codeVerifier: 'verifier',
  issuer: 'https://as.example.com',
  resource: 'https://mcp.example.com/mcp',
  redirectUri: 'https://app.example.com/cb',
  clientId: 'client-1',
  scopes: [],
  as: { issuer: 'https://as.example.com' },
  client,
  expiresAt: 1_000,
}

describe('storage keys', () => {
  test('each kind of record has a key of its own, listed by its prefix', async () => {
    const storage = memoryStorage()
    await storage.set(keys.tokens('https://mcp.example.com/mcp'), tokens)
    await storage.set(keys.pending('state-1'), pending)
    await storage.set(keys.client('https://as.example.com', 'https://app.example.com/cb'), client)
    await storage.set(keys.generation('https://mcp.example.com/mcp'), 1)
    expect(await storage.keys(keys.pendingPrefix)).toEqual(['pending:state-1'])
    expect(await storage.keys(keys.tokensPrefix)).toEqual(['tokens:https://mcp.example.com/mcp'])
    expect(keys.client('https://as.example.com', 'https://app.example.com/cb')).toBe(
      'client:https://as.example.com https://app.example.com/cb',
    )
    expect(keys.generation('https://mcp.example.com/mcp')).toBe(
      'generation:https://mcp.example.com/mcp',
    )
  })
})

describe('readRecord: missing, foreign and corrupt values', () => {
  test('null is a missing record, not a corrupt one', async () => {
    const { record, reported } = await read('tokens', null)
    expect(record).toBeUndefined()
    expect(reported).toEqual([])
  })

  test('a value that is not an object is refused, even one with every field', async () => {
    const lookalike = Object.assign(() => {}, tokens)
    const storage: TokenStorage = { ...memoryStorage(), get: async () => lookalike }
    const { record, reported } = await read('tokens', undefined, storage)
    expect(record).toBeUndefined()
    expect(reported).toEqual([['record', lookalike]])
    await refused('tokens', 42)
  })

  test('the storage error itself is what gets reported', async () => {
    const failure = new Error('disk on fire')
    const storage: TokenStorage = { ...memoryStorage(), get: () => Promise.reject(failure) }
    const { record, reported } = await read('client', undefined, storage)
    expect(record).toBeUndefined()
    expect(reported).toEqual([['record', failure]])
  })
})

describe('readRecord: token records', () => {
  test('the minimal record, and one with every optional field', async () => {
    await accepted('tokens', tokens)
    await accepted('tokens', {
      ...tokens,
      refreshToken: 'rt',
      expiresAt: 0,
      issuer: 'https://as.example.com',
      clientId: 'client-1',
      client,
      as: { issuer: 'https://as.example.com' },
      tokenType: 'DPoP',
    })
    await accepted('tokens', { ...tokens, tokenType: 'Bearer' })
  })

  test.each([
    ['an empty resource', { resource: '' }],
    ['an empty access token', { accessToken: '' }],
    ['scopes that are not a list', { scopes: 'read' }],
    ['metadata that is null', { as: null }],
    ['metadata that is a string', { as: 'https://as.example.com' }],
    ['a client that is null', { client: null }],
    ['a client that is a string', { client: 'client-1' }],
    ['an empty refresh token', { refreshToken: '' }],
    ['an expiry that is a string', { expiresAt: '1000' }],
    ['an unknown token type', { tokenType: 'MAC' }],
  ])('%s is refused', async (_name, change) => {
    await refused('tokens', { ...tokens, ...change })
  })
})

describe('readRecord: pending flows', () => {
  test('with and without the server URL of the handle that started it', async () => {
    await accepted('pending', pending)
    await accepted('pending', { ...pending, server: 'https://mcp.example.com/mcp/x' })
  })

  test.each([
    ['no state', { state: undefined }],
    ['an empty state', { state: '' }],
    ['no code verifier', { codeVerifier: undefined }],
    ['no issuer', { issuer: undefined }],
    ['no resource', { resource: undefined }],
    ['no metadata', { as: undefined }],
    ['metadata that is a string', { as: 'https://as.example.com' }],
    ['no client', { client: undefined }],
    ['no expiry', { expiresAt: undefined }],
    ['an expiry that is a string', { expiresAt: '1000' }],
    ['an empty server URL', { server: '' }],
    ['a server URL that is not a string', { server: 42 }],
    ['another version', { v: RECORD_VERSION + 1 }],
  ])('%s is refused', async (_name, change) => {
    await refused('pending', { ...pending, ...change })
  })
})

describe('readRecord: client records', () => {
  test.each([
    ['no issuer', { issuer: undefined }],
    ['an empty client_id', { clientId: '' }],
    ['no token endpoint auth method', { tokenEndpointAuthMethod: undefined }],
  ])('%s is refused', async (_name, change) => {
    await accepted('client', client)
    await refused('client', { ...client, ...change })
  })
})
