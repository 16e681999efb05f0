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

  test('every secret-bearing parameter, by its exact name, in any case', () => {
    const secret = [
      'code',
      'state',
      'code_verifier',
      'code_challenge',
      'access_token',
      'refresh_token',
      'id_token',
      'token',
      'client_secret',
      'assertion',
      'client_assertion',
      'password',
      'api_key',
      'apikey',
      'key',
      'dpop',
      'DPoP',
      'Client_Secret',
    ]
    for (const name of secret) {
      expect(redactUrl(`https://x.example/p?${name}=s3cr3t`), name).toBe(
        `https://x.example/p?${name}=…`,
      )
    }
    // Names that only contain or start with a secret one are kept.
    const kept = [
      'passcode',
      'qrcode',
      'statement',
      'codename',
      'token_type',
      'keyword',
      'monkey',
      'client_assertion_type',
      'my_access_token',
      'client_id',
      'scope',
    ]
    for (const name of kept) {
      expect(redactUrl(`https://x.example/p?${name}=v`), name).toBe(`https://x.example/p?${name}=v`)
    }
  })

  test('every value of a repeated parameter; a URL without secrets is unchanged', () => {
    expect(redactUrl('https://x.example/p?code=a&code=b&x=1')).toBe(
      'https://x.example/p?code=…&x=1',
    )
    expect(redactUrl('https://x.example/p?x=1&y=%20')).toBe('https://x.example/p?x=1&y=%20')
  })

  test('URLs inside a text, http and https, without the punctuation that ends a sentence', () => {
    expect(
      redactText(
        'tried http://127.0.0.1:4000/cb?code=abc and (https://as.example/t?token=t). Then "https://x.example/?state=s"!',
      ),
    ).toBe(
      'tried http://127.0.0.1:4000/cb?code=… and (https://as.example/t?token=…). Then "https://x.example/?state=…"!',
    )
  })

  test('user information (user:password@) never survives, in a URL or in a text', () => {
    expect(redactUrl('https://alice:s3cret@mcp.example.com/mcp?x=1')).toBe(
      'https://…@mcp.example.com/mcp?x=1',
    )
    expect(redactUrl('https://token@mcp.example.com/')).toBe('https://…@mcp.example.com/')
    expect(redactText('Request to https://alice:s3cret@mcp.example.com/mcp failed.')).toBe(
      'Request to https://…@mcp.example.com/mcp failed.',
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

  test('details keep numbers, booleans and lists of strings (redacted); nothing else', () => {
    const error = new McpAuthError('authorization_server_not_found', 'No metadata', {
      details: {
        status: 0,
        count: 2,
        dpop: false,
        retried: true,
        tried: ['https://as.example/a?code=x', 'https://as.example/b'],
        empty: [],
        mixed: ['a', 1],
        numbers: [1, 2],
        nothing: null,
        missing: undefined,
        cause: new Error('hidden'),
      },
    })
    const event = eventError(error)
    expect(event).toStrictEqual({
      code: 'authorization_server_not_found',
      message: 'No metadata',
      transient: false,
      details: {
        status: 0,
        count: 2,
        dpop: false,
        retried: true,
        tried: ['https://as.example/a?code=…', 'https://as.example/b'],
        empty: [],
      },
    })
  })

  test('an error whose details are all dropped has no details', () => {
    const event = eventError(
      new McpAuthError('server_error', 'boom', { details: { body: { access_token: 'x' } } }),
    )
    expect(event).toStrictEqual({ code: 'server_error', message: 'boom', transient: true })
    expect('details' in event).toBe(false)
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
