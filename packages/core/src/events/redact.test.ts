import { describe, expect, test } from 'vitest'
import { McpAuthError } from '../errors.js'
import { eventError, redactText, redactUrl } from './redact.js'

describe('redactUrl', () => {
  test('replaces the values of secret parameters and the fragment, keeps the rest', () => {
    expect(
      redactUrl(
        'https://as.example/authorize?client_id=app&state=s3cr3t&code_challenge=abc&scope=read+write&resource=https%3A%2F%2Fmcp.example%2Fmcp#frag',
      ),
    ).toBe(
      'https://as.example/authorize?client_id=app&state=…&code_challenge=…&scope=read+write&resource=https%3A%2F%2Fmcp.example%2Fmcp#…',
    )
    expect(redactUrl('https://app.example/cb?code=c0de&iss=https%3A%2F%2Fas&STATE=x')).toBe(
      'https://app.example/cb?code=…&iss=https%3A%2F%2Fas&STATE=…',
    )
    expect(redactUrl('https://mcp.example/mcp?api_key=k&access_token=t&token=u')).toBe(
      'https://mcp.example/mcp?api_key=…&access_token=…&token=…',
    )
  })

  test('anything that is not a URL comes back as it is', () => {
    expect(redactUrl('/relative?code=1')).toBe('/relative?code=1')
    expect(redactText('see https://x.example/cb?code=abc, then retry')).toBe(
      'see https://x.example/cb?code=…, then retry',
    )
  })
})

describe('eventError', () => {
  test('code, message, transience and plain details; never the cause', () => {
    const cause = { body: 'access_token=secret-value' }
    const error = new McpAuthError(
      'server_error',
      'https://as.example/token?code=abc answered 503',
      {
        cause,
        details: { status: 503, url: 'https://as.example/cb?state=zz', nested: { secret: 1 } },
      },
    )
    const event = eventError(error)
    expect(event).toEqual({
      code: 'server_error',
      message: 'https://as.example/token?code=… answered 503',
      transient: true,
      details: { status: 503, url: 'https://as.example/cb?state=…' },
    })
    expect(JSON.stringify(event)).not.toContain('secret')
  })

  test('what fetch throws is a network error; anything else an unexpected response', () => {
    expect(eventError(new TypeError('Failed to fetch'))).toEqual({
      code: 'network_error',
      message: 'Failed to fetch',
      transient: true,
    })
    expect(eventError('boom')).toEqual({
      code: 'unexpected_response',
      message: 'boom',
      transient: false,
    })
  })
})
