import { describe, expect, test } from 'vitest'
import { selectScopes } from './scopes.js'

describe('selectScopes (MCP "Scope Selection Strategy")', () => {
  test('the challenge scope wins over scopes_supported', () => {
    expect(selectScopes({ challenged: 'a b', resourceSupported: ['c'] })).toEqual(['a', 'b'])
  })

  test('scopes_supported when there is no challenge scope', () => {
    expect(selectScopes({ resourceSupported: ['c', 'd'] })).toEqual(['c', 'd'])
  })

  test('nothing when neither is known: the parameter is omitted', () => {
    expect(selectScopes({})).toEqual([])
  })

  test('an explicit scope overrides both', () => {
    expect(selectScopes({ explicit: 'x', challenged: 'a', resourceSupported: ['c'] })).toEqual([
      'x',
    ])
  })

  test('offline_access only when the AS lists it, and never alone', () => {
    expect(selectScopes({ challenged: 'a', serverSupported: ['offline_access'] })).toEqual([
      'a',
      'offline_access',
    ])
    expect(selectScopes({ challenged: 'a', serverSupported: ['a'] })).toEqual(['a'])
    expect(selectScopes({ serverSupported: ['offline_access'] })).toEqual([])
  })

  test('step-up keeps what was granted before (union)', () => {
    expect(selectScopes({ challenged: 'a admin', previous: ['a', 'b'] })).toEqual([
      'a',
      'b',
      'admin',
    ])
  })
})
