import type { AuthorizationServer } from 'oauth4webapi'
import type { DpopMode, TokenType } from '../contracts/dpop.js'
import { DiscoveryError, TokenError } from '../errors.js'

/** The one proof algorithm this kit signs with (RFC 7518 §3.4; MCP DPoP extension: ES256). */
export const DPOP_ALG = 'ES256'

/**
 * Whether token requests to `as` carry DPoP proofs. Throws `dpop_unsupported` in `'required'`
 * mode when the server lists its proof algorithms and ES256 is not among them: failing before
 * the user signs in beats failing after. A server that lists none is tried: the token
 * response's `token_type` then decides (see {@link checkTokenType}).
 */
export function usesDpop(
  mode: DpopMode,
  as: Pick<AuthorizationServer, 'issuer' | 'dpop_signing_alg_values_supported'>,
): boolean {
  if (mode === 'off') return false
  const algs = as.dpop_signing_alg_values_supported
  const supported = Array.isArray(algs) && algs.includes(DPOP_ALG)
  if (mode === 'auto') return supported
  if (Array.isArray(algs) && !supported) {
    throw new DiscoveryError(
      'dpop_unsupported',
      `${as.issuer} does not accept ${DPOP_ALG} DPoP proofs (dpop_signing_alg_values_supported: ${algs.join(', ') || 'none'})`,
      { details: { issuer: as.issuer, algorithms: [...algs] } },
    )
  }
  return true
}

/**
 * Decides how an issued access token is presented (RFC 9449 §5):
 * - proof sent, `token_type: DPoP` → `DPoP`;
 * - proof sent, `token_type: Bearer`: the server chose not to bind the access token. RFC 9449 §5
 *   says the client MUST discard the response when the protection is important to it, and may
 *   otherwise continue with a bearer token; the MCP DPoP extension adds nothing. So `'required'`
 *   throws `dpop_unsupported` and `'auto'` continues as `Bearer` (a public client's refresh
 *   token may still be bound: keep sending proofs on refresh);
 * - no proof, `token_type: DPoP` → refused: the token could not be presented.
 */
export function checkTokenType(mode: DpopMode, proofSent: boolean, tokenType: string): TokenType {
  const type = tokenType.toLowerCase()
  if (type === 'dpop') {
    if (proofSent) return 'DPoP'
    throw new TokenError(
      'token_request_failed',
      'The token endpoint issued a DPoP token to a request without a DPoP proof',
      { details: { attribute: 'token_type' } },
    )
  }
  if (type === 'bearer') {
    if (proofSent && mode === 'required') {
      throw new TokenError(
        'dpop_unsupported',
        'The token endpoint answered a DPoP request with a bearer token; the response is discarded',
        { details: { attribute: 'token_type' } },
      )
    }
    return 'Bearer'
  }
  throw new TokenError('token_request_failed', 'The token response has an invalid "token_type"', {
    details: { attribute: 'token_type' },
  })
}
