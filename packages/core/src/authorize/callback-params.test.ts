import { describe, expect, test } from 'vitest'
import { checkAuthorizationResponse } from './callback-params.js'
import { callbackParams } from './response-params.js'

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
