import type { Dpop, DpopLoader, DpopMode } from '../contracts/dpop.js'
import type { TokenStorage } from '../contracts/storage.js'
import { McpAuthError } from '../errors.js'

export function dpopLoader(mode: DpopMode, storage: TokenStorage): DpopLoader {
  let loading: Promise<Dpop> | undefined
  return (as, tokenType) => {
    const algs = as?.dpop_signing_alg_values_supported
    // In 'required' mode a stored bearer token loads it too: to be refused.
    const binds =
      tokenType === 'DPoP' ||
      (mode === 'required' && (as || tokenType)) ||
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
