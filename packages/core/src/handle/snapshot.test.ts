import { describe, expect, test } from 'vitest'
import type { TokenRecord } from '../contracts/records.js'
import type { McpServerSnapshot } from '../contracts/snapshot.js'
import { asMcpAuthError, ConfigurationError, McpAuthError } from '../errors.js'
import {
  initialSnapshot,
  nextSnapshot,
  type SnapshotSources,
  statusAfterOutsideChange,
} from './snapshot.js'

const RESOURCE = 'https://mcp.example.com/mcp'
const prev: McpServerSnapshot = {
  resource: RESOURCE,
  status: 'unknown',
  scopes: [],
  storage: 'memory',
}
const tokens: TokenRecord = {
  v: 2,
  resource: RESOURCE,
  accessToken: 'at',
  scopes: ['read'],
  resourceName: 'From tokens',
}
const sources = (more: Partial<SnapshotSources> = {}): SnapshotSources => ({
  resource: RESOURCE,
  storage: 'memory',
  prm: undefined,
  issuer: undefined,
  tokens: undefined,
  stepUpScopes: undefined,
  ...more,
})

describe('nextSnapshot', () => {
  test('the resource name comes from the patch, then the resource metadata, then the tokens', () => {
    const prm = {
      resource: RESOURCE,
      authorization_servers: [],
      url: `${RESOURCE}/.well-known`,
      resource_name: 'From metadata',
    }
    expect(nextSnapshot(prev, 'authorized', {}, sources({ prm, tokens })).resourceName).toBe(
      'From metadata',
    )
    expect(
      nextSnapshot(prev, 'authorized', { resourceName: 'Patched' }, sources({ prm, tokens }))
        .resourceName,
    ).toBe('Patched')
    expect(nextSnapshot(prev, 'authorized', {}, sources({ tokens })).resourceName).toBe(
      'From tokens',
    )
  })

  test('step-up scopes are shown only while a step-up is needed', () => {
    const stepUpScopes = ['read', 'admin']
    expect(nextSnapshot(prev, 'needs-step-up', {}, sources({ stepUpScopes })).stepUpScopes).toEqual(
      stepUpScopes,
    )
    expect(nextSnapshot(prev, 'authorized', {}, sources({ stepUpScopes }))).not.toHaveProperty(
      'stepUpScopes',
    )
  })
})

describe('asMcpAuthError', () => {
  test('a typed error stays as it is', () => {
    const error = new McpAuthError('network_error', 'down')
    expect(asMcpAuthError(error)).toBe(error)
  })

  test('anything else becomes unexpected_response, with the original as its cause', () => {
    const cause = new TypeError('boom')
    const error = asMcpAuthError(cause)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error.code).toBe('unexpected_response')
    expect(error.message).toBe('boom')
    expect(error.cause).toBe(cause)
    const odd = asMcpAuthError('plain string')
    expect(odd.code).toBe('unexpected_response')
    expect(odd.message).toBe('plain string')
    expect(odd.cause).toBe('plain string')
  })
})

describe('statusAfterOutsideChange: another tab stored or removed the tokens', () => {
  const stored = { expiresAt: 1000, scopes: ['read'] }
  const snapshot = (status: McpServerSnapshot['status'], more = {}) => ({
    status,
    scopes: ['read'],
    expiresAt: 1000,
    ...more,
  })

  test('authorized with the same expiry and scopes: nothing changes', () => {
    expect(statusAfterOutsideChange(snapshot('authorized'), stored)).toBeUndefined()
    const two = { expiresAt: 1000, scopes: ['read', 'admin'] }
    expect(
      statusAfterOutsideChange(snapshot('authorized', { scopes: ['read', 'admin'] }), two),
    ).toBeUndefined()
  })

  test('authorized, but a refresh or step-up elsewhere changed the expiry or the scopes', () => {
    expect(statusAfterOutsideChange(snapshot('authorized', { expiresAt: 2000 }), stored)).toBe(
      'authorized',
    )
    expect(
      statusAfterOutsideChange(snapshot('authorized', { scopes: ['read', 'admin'] }), stored),
    ).toBe('authorized')
    expect(
      statusAfterOutsideChange(snapshot('authorized', { scopes: ['re', 'ad'] }), {
        ...stored,
        scopes: ['read'],
      }),
    ).toBe('authorized')
  })

  test('tokens stored elsewhere authorize every other status, except a flow under way here', () => {
    for (const status of [
      'unknown',
      'needs-authorization',
      'disconnected',
      'refreshing',
    ] as const) {
      expect(statusAfterOutsideChange(snapshot(status), stored)).toBe('authorized')
    }
    expect(statusAfterOutsideChange(snapshot('needs-step-up', { scopes: [] }), stored)).toBe(
      'authorized',
    )
    expect(statusAfterOutsideChange(snapshot('authorizing'), stored)).toBeUndefined()
  })

  test('tokens removed elsewhere disconnect a server that had them, and nothing else', () => {
    for (const status of ['authorized', 'refreshing', 'needs-step-up'] as const) {
      expect(statusAfterOutsideChange(snapshot(status), undefined)).toBe('disconnected')
    }
    for (const status of ['unknown', 'needs-authorization', 'authorizing', 'open'] as const) {
      expect(statusAfterOutsideChange(snapshot(status), undefined)).toBeUndefined()
    }
  })
})

describe('initialSnapshot: a server nothing is known about yet', () => {
  test('unknown, nothing granted, memory unless told; what a new handle starts with', () => {
    expect(initialSnapshot(RESOURCE)).toEqual(prev)
    expect(initialSnapshot(RESOURCE, { storage: 'indexeddb' })).toEqual({
      ...prev,
      storage: 'indexeddb',
    })
  })

  test('with the error auth.server() threw: status error, the typed error kept as it is', () => {
    const error = new ConfigurationError('insecure_url', 'http on a remote host')
    const snapshot = initialSnapshot('http://remote.example/mcp', { error })
    expect(snapshot).toEqual({
      ...prev,
      resource: 'http://remote.example/mcp',
      status: 'error',
      error,
    })
    expect(snapshot.error).toBe(error)
  })
})
