import { describe, expect, test } from 'vitest'
import { createMcpRelay } from './create-relay.js'
import type { McpRelayOptions } from './types.js'

const valid: McpRelayOptions = { allow: ['mcp.example.com'], origins: ['https://chat.example'] }
const create = (options: Partial<McpRelayOptions>) => () =>
  createMcpRelay({ ...valid, ...options } as McpRelayOptions)

describe('createMcpRelay refuses options that would leave it open or useless, at once', () => {
  test.each([
    ['no allowlist', { allow: undefined }, /`allow` must list at least one target host/],
    ['an empty allowlist', { allow: [] }, /`allow` must list/],
    ['a URL where a host belongs', { allow: ['https://mcp.example.com'] }, /is not a host/],
    ['a host with a path', { allow: ['mcp.example.com/mcp'] }, /is not a host/],
    ['a host with a query', { allow: ['mcp.example.com?x'] }, /is not a host/],
    ['a host with credentials', { allow: ['user@mcp.example.com'] }, /is not a host/],
    ['an empty host', { allow: [''] }, /is not a host/],
    ['a bare wildcard', { allow: ['*'] }, /is not a host/],
    ['a wildcard in the middle', { allow: ['mcp.*.com'] }, /is not a host/],
    ['a host that is not a string', { allow: [42 as unknown as string] }, /is not a host/],
    ['no origins', { origins: undefined }, /`origins` must list at least one origin/],
    ['an empty origins list', { origins: [] }, /`origins` must list/],
    ['an origin with a path', { origins: ['https://chat.example/app'] }, /is not an origin/],
    ['an origin with a trailing slash', { origins: ['https://chat.example/'] }, /is not an origin/],
    ['a host where an origin belongs', { origins: ['chat.example'] }, /is not an origin/],
    ['the opaque origin', { origins: ['null'] }, /is not an origin/],
    ['a wildcard origin', { origins: ['*'] }, /is not an origin/],
    ['an upper-case origin', { origins: ['https://Chat.example'] }, /is not an origin/],
    [
      'a client without a secret',
      { clients: { 'https://auth.example.com': { clientId: 'a', clientSecret: '' } } },
      /needs a clientId and a clientSecret/,
    ],
    [
      'a client left out',
      { clients: { 'https://auth.example.com': undefined } },
      /needs a clientId and a clientSecret/,
    ],
    [
      'a client without an ID',
      { clients: { 'https://auth.example.com': { clientId: '', clientSecret: 's' } } },
      /needs a clientId and a clientSecret/,
    ],
    [
      'a client under something that is not an issuer URL',
      { clients: { 'auth.example.com': { clientId: 'a', clientSecret: 's' } } },
      /is not a URL/,
    ],
    ['a body limit of zero', { maxBodyBytes: 0 }, /`maxBodyBytes` must be a positive number/],
    ['a body limit that is not a number', { maxBodyBytes: Number.NaN }, /`maxBodyBytes`/],
    ['a negative timeout', { headersTimeout: -1 }, /`headersTimeout` must be a positive number/],
    ['an endless timeout', { headersTimeout: Number.POSITIVE_INFINITY }, /`headersTimeout`/],
  ])('%s', (_, options, message) => {
    expect(create(options as Partial<McpRelayOptions>)).toThrow(TypeError)
    expect(create(options as Partial<McpRelayOptions>)).toThrow(message)
  })

  test.each([
    [
      'hosts, hosts with ports, IPv6 and wildcards',
      { allow: ['a.example', 'b.example:8443', '[::1]:3000', '*.c.example'] },
    ],
    ['an upper-case host (hosts are case-insensitive)', { allow: ['MCP.Example.com'] }],
    ['a function', { allow: () => false }],
    ['several origins, with ports', { origins: ['https://chat.example', 'http://127.0.0.1:5173'] }],
    [
      'a client per issuer',
      { clients: { 'https://auth.example.com/tenant': { clientId: 'a', clientSecret: 's' } } },
    ],
  ])('accepts %s', (_, options) => {
    expect(create(options as Partial<McpRelayOptions>)).not.toThrow()
  })
})
