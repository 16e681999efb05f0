import { lazily } from '../connect/lazily.js'
import type { DpopLoader, DpopMode } from '../contracts/dpop.js'
import type { TokenStorage } from '../contracts/storage.js'

/**
 * The DPoP chunk (RFC 9449), loaded the first time a server's metadata or a stored token calls
 * for bound tokens; `undefined` while nothing does.
 */
export function dpopLoader(mode: DpopMode, storage: TokenStorage): DpopLoader {
  // A chunk that failed to load (offline) is a transient failure, tried again on the next use.
  const load = lazily(
    () => import('../dpop/index.js').then(({ createDpop }) => createDpop({ mode, storage })),
    'DPoP',
  )
  return (as, tokenType) => {
    const algs = as?.dpop_signing_alg_values_supported
    // In 'required' mode a stored bearer token loads it too: to be refused.
    const binds =
      tokenType === 'DPoP' ||
      (mode === 'required' && (as || tokenType)) ||
      (mode === 'auto' && Array.isArray(algs) && algs.includes('ES256'))
    return binds ? load() : undefined
  }
}
