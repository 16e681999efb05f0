import { describe, expect, test } from 'vitest'
import { checkTokenType, usesDpop } from './policy.js'

const ISSUER = 'https://auth.example.com'
const as = (algs?: string[]) => ({
  issuer: ISSUER,
  ...(algs ? { dpop_signing_alg_values_supported: algs } : {}),
})

describe('usesDpop (RFC 9449 §5.1 metadata)', () => {
  test("'auto' binds tokens only when the server lists ES256", () => {
    expect(usesDpop('auto', as(['RS256', 'ES256']))).toBe(true)
    expect(usesDpop('auto', as(['RS256']))).toBe(false)
    expect(usesDpop('auto', as([]))).toBe(false)
    expect(usesDpop('auto', as())).toBe(false)
  })

  test("'off' never binds, whatever the server lists", () => {
    expect(usesDpop('off', as(['ES256']))).toBe(false)
  })

  test("'required' refuses a server that lists algorithms without ES256, with a typed error", () => {
    expect(() => usesDpop('required', as(['RS256', 'PS256']))).toThrow(
      expect.objectContaining({
        code: 'dpop_unsupported',
        name: 'DiscoveryError',
        details: { issuer: ISSUER, algorithms: ['RS256', 'PS256'] },
      }),
    )
    expect(() => usesDpop('required', as([]))).toThrow(
      expect.objectContaining({ code: 'dpop_unsupported' }),
    )
  })

  test("'required' tries a server that lists nothing: the token type decides", () => {
    expect(usesDpop('required', as(['ES256']))).toBe(true)
    expect(usesDpop('required', as())).toBe(true)
  })
})

describe('checkTokenType (RFC 9449 §5)', () => {
  test('a DPoP token to a request with a proof is presented as DPoP, in any case', () => {
    expect(checkTokenType('auto', true, 'DPoP')).toBe('DPoP')
    expect(checkTokenType('required', true, 'dpop')).toBe('DPoP')
  })

  test("a server that advertises DPoP but returns Bearer: 'auto' continues with a bearer token", () => {
    expect(checkTokenType('auto', true, 'Bearer')).toBe('Bearer')
  })

  test("a server that advertises DPoP but returns Bearer: 'required' discards the response", () => {
    expect(() => checkTokenType('required', true, 'Bearer')).toThrow(
      expect.objectContaining({ code: 'dpop_unsupported', name: 'TokenError' }),
    )
  })

  test('a DPoP token without a proof cannot be presented: refused', () => {
    expect(() => checkTokenType('auto', false, 'DPoP')).toThrow(
      expect.objectContaining({ code: 'token_request_failed' }),
    )
  })

  test('bearer without a proof is a bearer token; other types are refused', () => {
    expect(checkTokenType('off', false, 'bearer')).toBe('Bearer')
    expect(() => checkTokenType('auto', true, 'mac')).toThrow(
      expect.objectContaining({ code: 'token_request_failed' }),
    )
  })
})

describe('policy errors: messages and details', () => {
  test("'required' with a server listing other algorithms names the server and what it lists", () => {
    expect(() => usesDpop('required', as(['RS256', 'PS256']))).toThrow(
      `${ISSUER} does not accept ES256 DPoP proofs (dpop_signing_alg_values_supported: RS256, PS256)`,
    )
  })

  test("'required' with a server listing an empty array says it lists none", () => {
    let thrown: unknown
    try {
      usesDpop('required', as([]))
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({
      name: 'DiscoveryError',
      code: 'dpop_unsupported',
      message: `${ISSUER} does not accept ES256 DPoP proofs (dpop_signing_alg_values_supported: none)`,
      details: { issuer: ISSUER, algorithms: [] },
    })
  })

  const caught = (fn: () => unknown) => {
    try {
      fn()
    } catch (error) {
      return error as { name: string; code: string; message: string; details: unknown }
    }
    throw new Error('expected a throw')
  }

  test('a DPoP token without a proof: token_request_failed, naming token_type', () => {
    const error = caught(() => checkTokenType('off', false, 'DPoP'))
    expect(error).toMatchObject({
      name: 'TokenError',
      code: 'token_request_failed',
      message: 'The token endpoint issued a DPoP token to a request without a DPoP proof',
    })
    expect(error.details).toEqual({ attribute: 'token_type' })
  })

  test("a bearer answer to a proof in 'required' mode: the response is discarded, naming token_type", () => {
    const error = caught(() => checkTokenType('required', true, 'BEARER'))
    expect(error).toMatchObject({
      name: 'TokenError',
      code: 'dpop_unsupported',
      message:
        'The token endpoint answered a DPoP request with a bearer token; the response is discarded',
    })
    expect(error.details).toEqual({ attribute: 'token_type' })
    // Without a proof, 'required' mode still accepts a bearer token (nothing was asked for).
    expect(checkTokenType('required', false, 'Bearer')).toBe('Bearer')
  })

  test('an unknown token_type: token_request_failed, naming token_type', () => {
    const error = caught(() => checkTokenType('auto', false, 'mac'))
    expect(error).toMatchObject({
      name: 'TokenError',
      code: 'token_request_failed',
      message: 'The token response has an invalid "token_type"',
    })
    expect(error.details).toEqual({ attribute: 'token_type' })
  })
})
