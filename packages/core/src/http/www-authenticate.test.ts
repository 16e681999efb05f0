import { describe, expect, test } from 'vitest'
import {
  bearerChallenge,
  parseWwwAuthenticate,
  splitScopes,
  tokenChallenge,
} from './www-authenticate.js'

describe('parseWwwAuthenticate (RFC 9110 §11.6.1)', () => {
  test('reads resource_metadata, scope and error from a Bearer challenge', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="files:read files:write", error="insufficient_scope"',
    )
    expect(challenge?.scheme).toBe('bearer')
    expect(challenge?.params).toEqual({
      resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
      scope: 'files:read files:write',
      error: 'insufficient_scope',
    })
  })

  test('splits several challenges, including commas inside quoted strings', () => {
    const challenges = parseWwwAuthenticate(
      'Basic realm="a, b", DPoP algs="ES256 PS256", Bearer realm="mcp", scope="x"',
    )
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'dpop', 'bearer'])
    expect(challenges[0]?.params.realm).toBe('a, b')
    expect(challenges[2]?.params.scope).toBe('x')
  })

  test('unescapes quoted pairs', () => {
    const [challenge] = parseWwwAuthenticate('Bearer error_description="say \\"hi\\" \\\\ bye"')
    expect(challenge?.params.error_description).toBe('say "hi" \\ bye')
  })

  test('is case-insensitive for schemes and parameter names', () => {
    const challenge = bearerChallenge('BEARER Resource_Metadata="https://x.example/m", SCOPE=read')
    expect(challenge?.params).toEqual({ resource_metadata: 'https://x.example/m', scope: 'read' })
  })

  test('accepts unquoted tokens and a token68', () => {
    const challenges = parseWwwAuthenticate('Negotiate abc123==, Bearer error=invalid_token')
    expect(challenges[0]).toMatchObject({ scheme: 'negotiate', token68: 'abc123==' })
    expect(challenges[1]?.params.error).toBe('invalid_token')
  })

  test('keeps the first of duplicated parameters', () => {
    expect(bearerChallenge('Bearer scope="a", scope="b"')?.params.scope).toBe('a')
  })

  test.each([
    [null],
    [undefined],
    [''],
    ['   '],
    [','],
    ['Bearer scope="unterminated'],
    ['="no scheme"'],
  ])('never throws on malformed input: %j', (header) => {
    expect(() => parseWwwAuthenticate(header)).not.toThrow()
    expect(bearerChallenge(header)?.params.scope).not.toBe('unterminated')
  })

  test('bearerChallenge is undefined without a Bearer challenge', () => {
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined()
    expect(bearerChallenge(null)).toBeUndefined()
  })

  test('splitScopes drops empty entries and duplicates', () => {
    expect(splitScopes('  a  b a ')).toEqual(['a', 'b'])
    expect(splitScopes(undefined)).toEqual([])
  })
  test('reads a Bearer challenge that follows other schemes in a second header line', () => {
    // Several WWW-Authenticate fields arrive joined by ", " (RFC 9110 §5.3).
    const headers = new Headers()
    headers.append('WWW-Authenticate', 'DPoP algs="ES256", error="use_dpop_nonce"')
    headers.append(
      'WWW-Authenticate',
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
    )
    const challenges = parseWwwAuthenticate(headers.get('www-authenticate'))
    expect(challenges.map((c) => c.scheme)).toEqual(['dpop', 'bearer'])
    expect(challenges[0]?.params).toEqual({ algs: 'ES256', error: 'use_dpop_nonce' })
    expect(challenges[1]?.params.resource_metadata).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    )
  })

  test('a quoted string may hold commas, equals signs and what looks like another scheme', () => {
    const challenges = parseWwwAuthenticate(
      'Bearer error_description="a=b, Basic realm=\\"x\\"", scope="s"',
    )
    expect(challenges).toHaveLength(1)
    expect(challenges[0]?.params).toEqual({
      error_description: 'a=b, Basic realm="x"',
      scope: 's',
    })
  })

  test('an escaped character that is not special stands for itself', () => {
    expect(bearerChallenge('Bearer realm="\\a\\b"')?.params.realm).toBe('ab')
  })

  test('white space around "=" and extra commas are allowed (BWS, #rule)', () => {
    const challenges = parseWwwAuthenticate(',, Bearer  scope = "a b" ,, error = x ,')
    expect(challenges).toEqual([{ scheme: 'bearer', params: { scope: 'a b', error: 'x' } }])
  })

  test('a scheme with no parameters, followed by another challenge', () => {
    const challenges = parseWwwAuthenticate('Bearer, Basic realm="r"')
    expect(challenges).toEqual([
      { scheme: 'bearer', params: {} },
      { scheme: 'basic', params: { realm: 'r' } },
    ])
  })

  test.each(['bearer', 'BEARER', 'BeArEr'])('the scheme %s is Bearer', (scheme) => {
    expect(bearerChallenge(`${scheme} ERROR="invalid_token"`)?.params).toEqual({
      error: 'invalid_token',
    })
  })

  test('a Bearer challenge is found after a token68 challenge', () => {
    expect(bearerChallenge('Negotiate YII=, Bearer scope="x"')?.params.scope).toBe('x')
  })

  test.each([
    [
      'an unterminated quoted string keeps earlier parameters',
      'Bearer error="e", scope="x',
      {
        error: 'e',
      },
    ],
    ['a backslash at the very end', 'Bearer error="e", scope="x\\', { error: 'e' }],
    [
      'a missing comma stops after the first parameter',
      'Bearer scope="a" error="b"',
      {
        scope: 'a',
      },
    ],
    ['a parameter without a value', 'Bearer scope="a", error=', { scope: 'a' }],
  ])('malformed: %s', (_name, header, params) => {
    expect(bearerChallenge(header)?.params).toEqual(params)
  })

  test('garbage where a scheme should be yields nothing, not an exception', () => {
    expect(parseWwwAuthenticate('"quoted" Bearer scope=x')).toEqual([])
    expect(parseWwwAuthenticate('@@@')).toEqual([])
    expect(bearerChallenge('Basic realm="a", ( Bearer scope=x')).toBeUndefined()
  })
})

describe('parseWwwAuthenticate: white space, ends and malformed parts', () => {
  test('tabs count as white space everywhere', () => {
    expect(parseWwwAuthenticate('\tBearer\tscope\t=\t"a"\t,\terror=x')).toStrictEqual([
      { scheme: 'bearer', params: { scope: 'a', error: 'x' } },
    ])
  })

  test('a token68 may be followed by blanks before the comma', () => {
    expect(parseWwwAuthenticate('Negotiate abc== , Bearer scope=x')).toStrictEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc==' },
      { scheme: 'bearer', params: { scope: 'x' } },
    ])
    expect(parseWwwAuthenticate('Negotiate abc==\t, Basic realm=r')).toStrictEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc==' },
      { scheme: 'basic', params: { realm: 'r' } },
    ])
  })

  test('a token68 may end the header, with or without padding or trailing blanks', () => {
    expect(parseWwwAuthenticate('Negotiate abc123==')).toStrictEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc123==' },
    ])
    expect(parseWwwAuthenticate('Negotiate abc123 ')).toStrictEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc123' },
    ])
  })

  test('a scheme alone at the end has neither parameters nor a token68', () => {
    expect(parseWwwAuthenticate('Bearer')).toStrictEqual([{ scheme: 'bearer', params: {} }])
    expect(parseWwwAuthenticate('Basic realm="r", Bearer')).toStrictEqual([
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'bearer', params: {} },
    ])
  })

  test('a parameter without a name stops parsing, keeping earlier challenges', () => {
    expect(parseWwwAuthenticate('Basic realm="r", Bearer a=b, =x')).toStrictEqual([
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'bearer', params: { a: 'b' } },
    ])
    expect(parseWwwAuthenticate('Bearer =x')).toStrictEqual([{ scheme: 'bearer', params: {} }])
  })

  test('a parameter without a value stops parsing: neither it nor later challenges are kept', () => {
    expect(parseWwwAuthenticate('Bearer scope="a", error=, Basic realm="r"')).toStrictEqual([
      { scheme: 'bearer', params: { scope: 'a' } },
    ])
  })

  test('a backslash ending an unterminated quoted string drops that parameter only', () => {
    expect(parseWwwAuthenticate('Basic realm=r, Bearer error="e", scope="x\\')).toStrictEqual([
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'bearer', params: { error: 'e' } },
    ])
  })

  test('a value that is not a string never throws either', () => {
    expect(parseWwwAuthenticate({ length: 2 } as unknown as string)).toEqual([])
  })
})

describe('tokenChallenge', () => {
  const both = 'DPoP algs="ES256", Bearer realm="b"'

  test('the scheme the request used comes first', () => {
    expect(tokenChallenge(both, 'dpop')?.scheme).toBe('dpop')
    expect(tokenChallenge(both, 'bearer')?.scheme).toBe('bearer')
    expect(tokenChallenge(both)?.scheme).toBe('bearer')
  })

  test('then Bearer, then DPoP', () => {
    expect(tokenChallenge('Bearer realm="b"', 'dpop')?.params).toEqual({ realm: 'b' })
    expect(tokenChallenge('DPoP algs="ES256"')?.params).toEqual({ algs: 'ES256' })
    expect(tokenChallenge('Basic realm="x", DPoP algs="ES256"', 'basic')?.scheme).toBe('basic')
  })

  test('no token scheme → undefined', () => {
    expect(tokenChallenge('Basic realm="x"')).toBeUndefined()
    expect(tokenChallenge(null)).toBeUndefined()
  })
})
