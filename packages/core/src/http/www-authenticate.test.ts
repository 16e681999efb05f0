import { describe, expect, test } from 'vitest'
import { bearerChallenge, parseWwwAuthenticate, splitScopes } from './www-authenticate.js'

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
})
