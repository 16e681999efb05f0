import { describe, expect, test } from 'vitest'
import type { McpServerStatus } from '../contracts/snapshot.js'
import { authorizationChange } from './authorization-change.js'

const at = (status: McpServerStatus, tokenType?: 'Bearer') => ({
  status,
  ...(tokenType ? { tokenType } : {}),
})

describe('authorizationChange: what becoming authorized means', () => {
  test.each<[string, McpServerStatus]>([
    ['an authorization finished', 'authorizing'],
    ['a typed token was accepted: an authorization the user just made', 'needs-token'],
  ])('%s → authorized', (_, before) => {
    expect(authorizationChange(at(before), at('authorized'))).toBe('authorized')
    // Re-authorizing while the old tokens are still held is an authorization too.
    expect(authorizationChange(at(before, 'Bearer'), at('authorized'))).toBe('authorized')
  })

  test.each<McpServerStatus>([
    'unknown',
    'probing',
    'open',
    'needs-authorization',
    'needs-client-id',
    'cancelled',
    'disconnected',
    'error',
  ])('tokens found from %s (storage, another tab) → restored', (before) => {
    expect(authorizationChange(at(before), at('authorized'))).toBe('restored')
  })

  test('the first snapshot a UI reads, already authorized → restored', () => {
    expect(authorizationChange(undefined, at('authorized'))).toBe('restored')
  })

  test.each<McpServerStatus>(['authorized', 'refreshing', 'needs-step-up'])(
    'from %s the tokens were there all along → nothing',
    (before) => {
      expect(authorizationChange(at(before), at('authorized'))).toBeUndefined()
    },
  )

  test('a recovery from an error while the tokens were kept → nothing', () => {
    expect(authorizationChange(at('error', 'Bearer'), at('authorized'))).toBeUndefined()
  })

  test.each<McpServerStatus>(['refreshing', 'needs-authorization', 'disconnected', 'error'])(
    'not authorized now (%s) → nothing',
    (now) => {
      expect(authorizationChange(at('authorizing'), at(now))).toBeUndefined()
      expect(authorizationChange(undefined, at(now))).toBeUndefined()
    },
  )
})
