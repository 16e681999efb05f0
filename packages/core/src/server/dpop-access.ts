import type { AuthorizationServer } from 'oauth4webapi'
import type { Dpop } from '../dpop/dpop.js'
import type { DpopMode, TokenType } from '../dpop/policy.js'
import { McpAuthError } from '../errors.js'
import type { TokenStorage } from '../storage/types.js'

/**
 * The DPoP module (RFC 9449) of one `createMcpAuth()`, a chunk of its own: it loads only when
 * `as` may bind tokens (always in `'required'` mode; in `'auto'` when it lists ES256 in
 * `dpop_signing_alg_values_supported`, RFC 9449 §5.1) or a stored token is bound (`tokenType`),
 * and resolves `undefined` otherwise, without loading anything.
 */
export type DpopLoader = (
  as: Pick<AuthorizationServer, 'dpop_signing_alg_values_supported'> | undefined,
  tokenType?: TokenType,
) => Promise<Dpop> | undefined

export function dpopLoader(mode: DpopMode, storage: TokenStorage): DpopLoader {
  let loading: Promise<Dpop> | undefined
  return (as, tokenType) => {
    const algs = as?.dpop_signing_alg_values_supported
    const binds =
      tokenType === 'DPoP' ||
      (as && mode === 'required') ||
      (mode === 'auto' && Array.isArray(algs) && algs.includes('ES256'))
    if (!binds) return undefined
    // A chunk that failed to load (offline) is a transient failure, tried again on the next use.
    loading ??= import('../dpop/index.js').then(
      ({ createDpop }) => createDpop({ mode, storage }),
      (cause: unknown) => {
        loading = undefined
        throw new McpAuthError('network_error', 'The DPoP module did not load', { cause })
      },
    )
    return loading
  }
}
