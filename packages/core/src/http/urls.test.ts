import { describe, expect, test } from 'vitest'
import { ConfigurationError } from '../errors.js'
import {
  assertSecureUrl,
  canonicalResourceUri,
  isLoopbackHost,
  isWithinResource,
  resourceIdentifiesServer,
} from './urls.js'

describe('assertSecureUrl', () => {
  test.each([
    'https://as.example.com/authorize',
    'http://localhost:8080/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:3000/cb',
  ])('accepts %s', (url) => {
    expect(assertSecureUrl(url, 'url').href).toBe(new URL(url).href)
  })

  test.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'http://as.example.com/authorize',
    'http://127.0.0.1.evil.example/cb',
    'https://user:pass@as.example.com/',
    'not a url',
    '',
  ])('refuses %s with a typed insecure_url error', (url) => {
    expect(() => assertSecureUrl(url, 'authorization_endpoint')).toThrow(ConfigurationError)
    try {
      assertSecureUrl(url, 'authorization_endpoint')
    } catch (error) {
      expect(error).toMatchObject({ code: 'insecure_url' })
    }
  })

  test('refuses a value that is not a string', () => {
    expect(() => assertSecureUrl(42, 'x')).toThrow(/missing or not a string/)
  })

  test('isLoopbackHost accepts the loopback block only', () => {
    expect(isLoopbackHost('127.10.0.1')).toBe(true)
    expect(isLoopbackHost('128.0.0.1')).toBe(false)
    expect(isLoopbackHost('localhost.example')).toBe(false)
  })
})

describe('canonicalResourceUri (RFC 8707 §2)', () => {
  test('drops the fragment and the slash of an empty path', () => {
    expect(canonicalResourceUri('https://MCP.example.com/#x')).toBe('https://mcp.example.com')
    expect(canonicalResourceUri('https://mcp.example.com/mcp#x')).toBe(
      'https://mcp.example.com/mcp',
    )
  })

  test('keeps a path and a query as they are', () => {
    expect(canonicalResourceUri('https://mcp.example.com/a/b/')).toBe(
      'https://mcp.example.com/a/b/',
    )
    expect(canonicalResourceUri('https://mcp.example.com/?t=1')).toBe(
      'https://mcp.example.com/?t=1',
    )
  })
})

describe('isWithinResource: where a bearer token may go', () => {
  const resource = 'https://mcp.example.com/mcp'
  test.each([
    ['https://mcp.example.com/mcp', true],
    ['https://mcp.example.com/mcp/tools', true],
    ['https://mcp.example.com/mcp?x=1', true],
    ['https://mcp.example.com/mcp-evil', false],
    ['https://mcp.example.com/other', false],
    ['http://mcp.example.com/mcp', false],
    ['https://mcp.example.com:8443/mcp', false],
    ['https://evil.example.com/mcp', false],
    ['https://mcp.example.com.evil.example/mcp', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isWithinResource(url, resource)).toBe(expected)
  })

  test('a root resource covers its whole origin', () => {
    expect(isWithinResource('https://mcp.example.com/anything', 'https://mcp.example.com')).toBe(
      true,
    )
  })

  test('resourceIdentifiesServer follows the same rule', () => {
    expect(resourceIdentifiesServer('https://mcp.example.com', 'https://mcp.example.com/mcp')).toBe(
      true,
    )
    expect(
      resourceIdentifiesServer('https://other.example.com/mcp', 'https://mcp.example.com/mcp'),
    ).toBe(false)
  })
})
