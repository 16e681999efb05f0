import { describe, expect, test } from 'vitest'
import { DiscoveryError, McpAuthError, networkError } from './errors.js'

describe('McpAuthError', () => {
  test('carries its code, class name and details; no cause unless one is given', () => {
    const error = new DiscoveryError('issuer_mismatch', 'm', { details: { a: 1 } })
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({ name: 'DiscoveryError', code: 'issuer_mismatch', message: 'm' })
    expect(error.details).toEqual({ a: 1 })
    expect('cause' in error).toBe(false)
    expect(error.transient).toBe(false)
  })

  test('keeps a cause', () => {
    const cause = new Error('x')
    expect(new McpAuthError('server_error', 'm', { cause }).cause).toBe(cause)
  })

  test('networkError names the URL and is transient', () => {
    const cause = new TypeError('fetch failed')
    const error = networkError('https://as.example.com/token', cause)
    expect(error).toMatchObject({
      code: 'network_error',
      message: 'Request to https://as.example.com/token failed',
      transient: true,
    })
    expect(error.cause).toBe(cause)
  })
})
