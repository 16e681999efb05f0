import { describe, expect, test } from 'vitest'
import { describeEvent, EVENT_TEXT } from './describe.js'
import { formatTrace, serializeTrace, serverName } from './trace.js'
import type { McpAuthEvent } from './types.js'

const server = 'https://mcp.example.com/mcp'
const events: McpAuthEvent[] = [
  { type: 'status', seq: 1, server, at: 1_000, from: 'unknown', to: 'probing' },
  {
    type: 'resource-metadata',
    seq: 2,
    server,
    at: 1_250,
    ms: 12,
    url: 'https://mcp.example.com/.well-known/oauth-protected-resource',
    httpStatus: 200,
    requests: [
      {
        method: 'GET',
        url: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
        status: 404,
        at: 1_251,
        ms: 5,
      },
      {
        method: 'GET',
        url: 'https://mcp.example.com/.well-known/oauth-protected-resource',
        status: 200,
        at: 1_251,
        ms: 11,
      },
    ],
    fallback: true,
    answered: 'https://mcp.example.com/.well-known/oauth-protected-resource',
    authorizationServers: ['https://as.example'],
    note: 'challenge-hidden',
  },
  {
    type: 'revocation',
    seq: 3,
    server,
    at: 4_000,
    ms: 30,
    accessToken: 'unsupported',
    refreshToken: 'revoked',
    httpStatus: 400,
    note: 'token-not-revocable',
  },
  {
    type: 'token',
    seq: 4,
    server,
    at: 5_000,
    ms: 8,
    url: 'https://as.example/token',
    error: {
      code: 'cors_blocked',
      message: 'The token request was blocked (CORS)',
      transient: false,
    },
  },
]

describe('the trace in words', () => {
  test('each event as one line: label, what happened, the explanation, the error', () => {
    expect(describeEvent(events[1]!)).toBe(
      `Resource metadata: GET https://mcp.example.com/.well-known/oauth-protected-resource → 200 — ${EVENT_TEXT.notes['challenge-hidden']}`,
    )
    expect(describeEvent(events[2]!)).toBe(
      `Revocation: refresh_token revoked · access_token unsupported → 400 — ${EVENT_TEXT.notes['token-not-revocable']}`,
    )
    expect(describeEvent(events[3]!)).toBe(
      'Token: POST https://as.example/token — cors_blocked: The token request was blocked (CORS)',
    )
  })

  test('formatTrace: times from the first event, the server, the duration, each request', () => {
    const lines = formatTrace(events).split('\n')
    expect(lines[0]).toBe('mcp-oauth trace, 4 events from 1970-01-01T00:00:01.000Z')
    expect(lines[1]).toBe('  +0.000s  mcp.example.com/mcp  Status: unknown → probing')
    expect(lines[2]).toMatch(
      /^ {2}\+0\.250s {2}mcp\.example\.com\/mcp {2}Resource metadata: .* \(12 ms\)$/,
    )
    expect(lines.slice(3, 5)).toEqual([
      '           GET https://mcp.example.com/.well-known/oauth-protected-resource/mcp → 404 (5 ms)',
      '           GET https://mcp.example.com/.well-known/oauth-protected-resource → 200 (11 ms)',
    ])
    expect(lines).toHaveLength(7)
    expect(formatTrace([])).toBe('mcp-oauth trace, 0 events from 1970-01-01T00:00:00.000Z')
  })

  test('a step of one request gets no request lines: its own line says it all', () => {
    const one: McpAuthEvent = {
      type: 'token',
      seq: 1,
      server,
      at: 2_000,
      ms: 9,
      url: 'https://as.example/token',
      httpStatus: 200,
      requests: [
        { method: 'POST', url: 'https://as.example/token', status: 200, at: 2_000, ms: 9 },
      ],
    }
    expect(formatTrace([one]).split('\n')).toEqual([
      'mcp-oauth trace, 1 events from 1970-01-01T00:00:02.000Z',
      '  +0.000s  mcp.example.com/mcp  Token: POST https://as.example/token → 200 (9 ms)',
    ])
  })

  test('a request that got no response says why', () => {
    const failed: McpAuthEvent = {
      type: 'resource-metadata',
      seq: 1,
      server,
      at: 0,
      ms: 3,
      fallback: true,
      requests: [
        { method: 'GET', url: 'https://mcp.example.com/a', failure: 'network', at: 0, ms: 1 },
        { method: 'GET', url: 'https://mcp.example.com/b', failure: 'aborted', at: 0, ms: 2 },
      ],
    }
    expect(formatTrace([failed]).split('\n').slice(2)).toEqual([
      '           GET https://mcp.example.com/a → network (1 ms)',
      '           GET https://mcp.example.com/b → aborted (2 ms)',
    ])
  })

  test('serializeTrace: a versioned JSON document that reads back as the events', () => {
    expect(JSON.parse(serializeTrace(events))).toEqual({
      format: 'mcp-oauth-trace',
      version: 1,
      events,
    })
  })

  test('serverName: host and path', () => {
    expect(serverName('https://mcp.example.com/mcp')).toBe('mcp.example.com/mcp')
    expect(serverName('http://127.0.0.1:4000/')).toBe('127.0.0.1:4000')
    expect(serverName('not a url')).toBe('not a url')
  })
})
