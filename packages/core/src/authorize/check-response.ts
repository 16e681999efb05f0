import type { AuthorizationServer } from 'oauth4webapi'
import { AuthorizationError } from '../errors.js'

/**
 * Checks an authorization response in the order MCP 2026-07-28 requires (SEP-2468):
 * 1. RFC 9207 `iss`, as an exact string against the issuer recorded for this flow: advertised
 *    and missing → reject; present and different → reject (advertised or not). On a mismatch
 *    the AS's `error` text is neither acted on nor shown.
 * 2. `state` against this flow's state (RFC 6749 §10.12).
 * 3. `error` (RFC 6749 §4.1.2.1): `access_denied` is the user's choice; others are failures.
 * Returns the authorization code.
 */
export function checkAuthorizationResponse(
  params: URLSearchParams,
  expected: {
    issuer: string
    state: string
    as: Pick<AuthorizationServer, 'authorization_response_iss_parameter_supported'>
  },
): string {
  const iss = params.getAll('iss')
  if (iss.length > 1) {
    throw new AuthorizationError(
      'iss_mismatch',
      'The authorization response has several "iss" values',
    )
  }
  if (iss.length === 0 && expected.as.authorization_response_iss_parameter_supported === true) {
    throw new AuthorizationError(
      'iss_missing',
      'The authorization server advertises RFC 9207 but its response has no "iss"',
      { details: { expected: expected.issuer } },
    )
  }
  if (iss.length === 1 && iss[0] !== expected.issuer) {
    throw new AuthorizationError(
      'iss_mismatch',
      'The authorization response comes from a different issuer than the one this flow started with',
      { details: { expected: expected.issuer, actual: iss[0] } },
    )
  }
  const state = params.getAll('state')
  if (state.length !== 1 || state[0] !== expected.state) {
    throw new AuthorizationError(
      'state_mismatch',
      'The authorization response state does not match this flow',
    )
  }
  const error = params.get('error')
  if (error !== null) {
    const description = params.get('error_description') ?? undefined
    throw new AuthorizationError(
      error === 'access_denied' ? 'access_denied' : 'authorization_failed',
      error === 'access_denied'
        ? 'The authorization request was denied'
        : `The authorization server answered "${error}"`,
      { details: { error, ...(description ? { description } : {}) } },
    )
  }
  const codes = params.getAll('code')
  if (codes.length !== 1 || !codes[0]) {
    throw new AuthorizationError('authorization_failed', 'The authorization response has no code')
  }
  return codes[0]
}
