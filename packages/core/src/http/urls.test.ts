import { describe, expect, test } from 'vitest'
import { ConfigurationError } from '../errors.js'
import {
  assertSecureUrl,
  canonicalResourceUri,
  isInsecureLoopback,
  isLoopbackHost,
  isSecureUrl,
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

describe('URL errors say which URL and why', () => {
  const caught = (fn: () => unknown) => {
    try {
      fn()
    } catch (error) {
      return error as ConfigurationError
    }
    throw new Error('did not throw')
  }

  test.each([
    ['a number', 42, 'number'],
    ['blanks', '   ', 'string'],
    ['an empty string', '', 'string'],
  ])('%s is missing or not a string', (_name, value, actual) => {
    const error = caught(() => assertSecureUrl(value, 'token_endpoint'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.message).toBe('token_endpoint is missing or not a string')
    expect(error.details).toEqual({ attribute: 'token_endpoint', actual })
  })

  test('a relative URL is not absolute', () => {
    const error = caught(() => assertSecureUrl('/token', 'token_endpoint'))
    expect(error.code).toBe('insecure_url')
    expect(error.message).toBe('token_endpoint is not an absolute URL: /token')
    expect(error.details).toEqual({ attribute: 'token_endpoint', actual: '/token' })
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  test.each([
    ['http://as.example.com/t', 'http:', 'http://as.example.com'],
    ['ftp://localhost/t', 'ftp:', 'ftp://localhost'],
    ['https://user:pw@as.example.com/t', 'https:', 'https://as.example.com'],
    ['https://user@as.example.com/t', 'https:', 'https://as.example.com'],
  ])('%s is refused, naming the scheme and host', (value, protocol, shown) => {
    const error = caught(() => assertSecureUrl(value, 'token_endpoint'))
    expect(error.code).toBe('insecure_url')
    expect(error.message).toBe(
      `token_endpoint must use https (or http on a loopback host): ${shown}`,
    )
    expect(error.details).toEqual({ attribute: 'token_endpoint', actual: protocol })
  })

  test('canonicalResourceUri names the MCP server URL', () => {
    expect(() => canonicalResourceUri('http://mcp.example.com/mcp')).toThrow(
      /^MCP server URL must use https/,
    )
  })
})

describe('loopback hosts (RFC 8252 §7.3)', () => {
  test.each([
    '127.0.0.1',
    '127.255.255.255',
    '127.250.249.240',
    '127.99.9.0',
    '127.199.100.10',
    'localhost',
    '[::1]',
  ])('%s is a loopback host', (host) => {
    expect(isLoopbackHost(host)).toBe(true)
  })

  test.each([
    '127.0.0.256',
    '127.0.0.260',
    '127.0.0.25a',
    '127.0.0.2a0',
    '127.0.0.1a',
    '127.0.0.1000',
    'x127.0.0.1',
    '127.0.0.1.evil.example',
    '127.0.0',
    '::1',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false)
  })

  test('isInsecureLoopback: plain http to a loopback host only', () => {
    expect(isInsecureLoopback('http://localhost:3000/mcp')).toBe(true)
    expect(isInsecureLoopback(new URL('http://127.0.0.1/mcp'))).toBe(true)
    expect(isInsecureLoopback('https://localhost/mcp')).toBe(false)
    expect(isInsecureLoopback('http://mcp.example.com/mcp')).toBe(false)
  })

  test('a resource at the root covers every path of its origin, and only that origin', () => {
    expect(isWithinResource('https://mcp.example.com/', 'https://mcp.example.com/')).toBe(true)
    expect(isWithinResource('https://mcp.example.com/a/b', 'https://mcp.example.com/')).toBe(true)
    expect(isWithinResource('https://other.example.com/', 'https://mcp.example.com/')).toBe(false)
  })

  test('a resource with a trailing slash covers what is under it', () => {
    const resource = 'https://mcp.example.com/mcp/'
    expect(isWithinResource('https://mcp.example.com/mcp/', resource)).toBe(true)
    expect(isWithinResource('https://mcp.example.com/mcp/x', resource)).toBe(true)
    expect(isWithinResource('https://mcp.example.com/mcpx', resource)).toBe(false)
  })
})

describe('isSecureUrl: the rule assertSecureUrl enforces, as a yes or no', () => {
  test.each([
    'https://mcp.example.com/mcp',
    'http://localhost:8080/mcp',
    'http://127.0.0.1/mcp',
    'http://127.0.0.2:3000/mcp',
    'http://127.255.255.254/mcp',
    'http://[::1]:3000/mcp',
  ])('yes: %s', (url) => {
    expect(isSecureUrl(url)).toBe(true)
  })

  test.each([
    'http://mcp.example.com/mcp',
    'http://128.0.0.1/mcp',
    'http://127.0.0.1.evil.example/mcp',
    'https://user:pass@mcp.example.com/mcp',
    'http://user@127.0.0.1/mcp',
    'javascript:alert(1)',
    'ftp://127.0.0.1/mcp',
    'mcp.example.com/mcp',
    '',
  ])('no: %s', (url) => {
    expect(isSecureUrl(url)).toBe(false)
    expect(() => assertSecureUrl(url, 'url')).toThrow(ConfigurationError)
  })
})
