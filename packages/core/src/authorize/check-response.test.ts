import { describe, expect, test } from 'vitest'
import { AuthorizationError } from '../errors.js'
import { callbackParams } from './callback-params.js'
import { checkAuthorizationResponse } from './check-response.js'

const issuer = 'https://as.example.com'
const state = 'state-123'
const params = (query: string) => callbackParams(`https://app.example/cb?${query}`)
const check = (query: string, advertised: boolean | undefined) =>
  checkAuthorizationResponse(params(query), {
    issuer,
    state,
    as:
      advertised === undefined
        ? {}
        : { authorization_response_iss_parameter_supported: advertised },
  })
const codeOf = (error: unknown) => (error as { code?: string }).code
const failure = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> }
  }
  throw new Error('expected a failure')
}

describe('checkAuthorizationResponse: RFC 9207 iss first, then state, then error', () => {
  test.each([
    // [advertised, iss, expected]
    [true, issuer, 'code'],
    [true, undefined, 'iss_missing'],
    [true, 'https://evil.example', 'iss_mismatch'],
    [false, undefined, 'code'],
    [false, 'https://evil.example', 'iss_mismatch'],
    [undefined, issuer, 'code'],
    [undefined, undefined, 'code'],
    [undefined, `${issuer}/`, 'iss_mismatch'],
  ])('advertised=%s iss=%s → %s', (advertised, iss, expected) => {
    const query = `code=abc&state=${state}${iss === undefined ? '' : `&iss=${encodeURIComponent(iss)}`}`
    if (expected === 'code') expect(check(query, advertised)).toBe('abc')
    else expect(codeOf(failure(() => check(query, advertised)))).toBe(expected)
  })

  test('an iss mismatch wins over an AS error, whose text is not surfaced', () => {
    const error = failure(() =>
      check(
        `error=access_denied&error_description=${encodeURIComponent('<b>click here</b>')}&state=${state}&iss=https://evil.example`,
        true,
      ),
    )
    expect(error.code).toBe('iss_mismatch')
    expect(JSON.stringify(error.details)).not.toContain('click here')
    expect(error.message).not.toContain('click here')
  })

  test('several iss values are a mismatch', () => {
    expect(
      codeOf(failure(() => check(`code=a&state=${state}&iss=${issuer}&iss=${issuer}`, true))),
    ).toBe('iss_mismatch')
  })

  test('state is checked before error and code', () => {
    expect(codeOf(failure(() => check(`code=a&state=other&iss=${issuer}`, true)))).toBe(
      'state_mismatch',
    )
    expect(codeOf(failure(() => check(`error=access_denied&iss=${issuer}`, true)))).toBe(
      'state_mismatch',
    )
    expect(codeOf(failure(() => check(`code=a&state=${state}&state=${state}`, false)))).toBe(
      'state_mismatch',
    )
  })

  test('access_denied is the user saying no; other errors are failures', () => {
    expect(codeOf(failure(() => check(`error=access_denied&state=${state}`, false)))).toBe(
      'access_denied',
    )
    expect(codeOf(failure(() => check(`error=server_error&state=${state}`, false)))).toBe(
      'authorization_failed',
    )
  })

  test('a response without a code fails', () => {
    expect(codeOf(failure(() => check(`state=${state}`, false)))).toBe('authorization_failed')
    expect(codeOf(failure(() => check(`code=&state=${state}`, false)))).toBe('authorization_failed')
  })

  test('callbackParams reads the fragment when the query is empty', () => {
    expect(callbackParams('https://app.example/cb#code=x&state=y').get('code')).toBe('x')
  })
})

describe('authorization response errors', () => {
  test('several iss values', () => {
    const error = failure(() => check(`code=a&state=${state}&iss=${issuer}&iss=${issuer}`, true))
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error.message).toBe('The authorization response has several "iss" values')
  })

  test('iss missing although advertised names the expected issuer', () => {
    const error = failure(() => check(`code=a&state=${state}`, true))
    expect(error.message).toBe(
      'The authorization server advertises RFC 9207 but its response has no "iss"',
    )
    expect(error.details).toEqual({ expected: issuer })
  })

  test('another issuer names both', () => {
    const error = failure(() => check(`code=a&state=${state}&iss=https://evil.example`, false))
    expect(error.message).toBe(
      'The authorization response comes from a different issuer than the one this flow started with',
    )
    expect(error.details).toEqual({ expected: issuer, actual: 'https://evil.example' })
  })

  test('a state mismatch', () => {
    expect(failure(() => check('code=a&state=other', false)).message).toBe(
      'The authorization response state does not match this flow',
    )
  })

  test('access_denied: the request was denied, with the description in details', () => {
    const error = failure(() =>
      check(`error=access_denied&error_description=Nope&state=${state}`, false),
    )
    expect(error).toMatchObject({
      code: 'access_denied',
      message: 'The authorization request was denied',
    })
    expect(error.details).toEqual({ error: 'access_denied', description: 'Nope' })
  })

  test('another error is quoted, and details have no description when none came', () => {
    const error = failure(() => check(`error=temporarily_unavailable&state=${state}`, false))
    expect(error).toMatchObject({
      code: 'authorization_failed',
      message: 'The authorization server answered "temporarily_unavailable"',
    })
    expect(error.details).toEqual({ error: 'temporarily_unavailable' })
  })

  test('an empty error_description is left out', () => {
    const error = failure(() =>
      check(`error=invalid_scope&error_description=&state=${state}`, false),
    )
    expect(error.details).toEqual({ error: 'invalid_scope' })
  })

  test('several codes are refused', () => {
    const error = failure(() => check(`code=a&code=b&state=${state}`, false))
    expect(error).toMatchObject({
      code: 'authorization_failed',
      message: 'The authorization response has no code',
    })
  })
})

describe('callbackParams', () => {
  test('the query wins over the fragment', () => {
    expect(callbackParams('https://app.example/cb?code=q#code=f').get('code')).toBe('q')
  })

  test('an empty query falls back to the fragment', () => {
    expect(callbackParams('https://app.example/cb?#code=f').get('code')).toBe('f')
    expect(callbackParams(new URL('https://app.example/cb#state=s')).get('state')).toBe('s')
  })
})
