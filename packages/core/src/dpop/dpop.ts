import type { Dpop, DpopBinding, DpopMode, TokenProofs } from '../contracts/dpop.js'
import type { TokenStorage } from '../contracts/storage.js'
import { DiscoveryError } from '../errors.js'
import type { CorruptHandler } from '../storage/records.js'
import { createBinding } from './binding.js'
import { DpopKeyStore } from './key-store.js'
import { DpopNonces } from './nonces.js'
import { checkTokenType, usesDpop } from './policy.js'

export interface DpopOptions {
  /** Default `'auto'`. */
  mode?: DpopMode
  storage: TokenStorage
  /** A stored key of another version or shape; it is replaced. */
  onCorrupt?: CorruptHandler
  /** A key the storage could not keep (no `CryptoKey` support): it lives as long as the page. */
  onMemoryOnly?: (storageKey: string, cause: unknown) => void
  now?: () => number
}

/**
 * DPoP for a kit instance: one key store, one per-origin nonce cache shared by all servers,
 * and one binding per (issuer, resource), reused so that a binding keeps its key in memory.
 */
export function createDpop(options: DpopOptions): Dpop {
  const mode = options.mode ?? 'auto'
  const keys = new DpopKeyStore(options)
  const nonces = new DpopNonces()
  const bindings = new Map<string, DpopBinding>()
  const binding = (issuer: string, resource: string) => {
    const id = `${issuer} ${resource}`
    let found = bindings.get(id)
    if (!found) {
      found = createBinding(issuer, resource, keys, nonces)
      bindings.set(id, found)
    }
    return found
  }
  const proofs = (bound: DpopBinding, create: boolean, proofMode: DpopMode): TokenProofs => ({
    tokenRequest: (endpoint, send) => bound.tokenRequest(endpoint, send, create),
    tokenType: (tokenType) => checkTokenType(proofMode, true, tokenType),
    thumbprint: () => bound.thumbprint(),
    persistence: () => bound.persistence(),
  })
  return {
    mode,
    plan(as, required) {
      if (required && mode === 'off') {
        throw new DiscoveryError(
          'dpop_unsupported',
          "The resource requires DPoP-bound tokens (dpop_bound_access_tokens_required) and dpop is 'off'",
          { details: { issuer: as.issuer } },
        )
      }
      const planned = required ? 'required' : mode
      return usesDpop(planned, as) ? planned : 'off'
    },
    tokenType: (proofSent, tokenType) => checkTokenType(mode, proofSent, tokenType),
    binding,
    forAuthorization: (as, resource, proofMode = mode) =>
      usesDpop(proofMode, as) ? proofs(binding(as.issuer, resource), true, proofMode) : undefined,
    forRefresh({ issuer, resource, as, tokenType, route }) {
      const proofMode = route?.dpop ?? mode
      if (!issuer || !as || proofMode === 'off') return undefined
      if (tokenType === 'DPoP') return proofs(binding(issuer, resource), false, proofMode)
      return usesDpop(proofMode, as)
        ? proofs(binding(issuer, resource), true, proofMode)
        : undefined
    },
    bindingFor: ({ issuer, resource, tokenType }) =>
      tokenType === 'DPoP' && issuer ? binding(issuer, resource) : undefined,
    usable: async (grant) => {
      if (grant.tokenType === 'DPoP' && grant.issuer) {
        return binding(grant.issuer, grant.resource).hasKey()
      }
      // A bearer token from before `'required'`: presenting it would be the downgrade refused.
      return !(mode === 'required' && grant.issuer)
    },
    async release({ issuer, resource, route }) {
      const revoke = issuer ? await binding(issuer, resource).release() : undefined
      // Bearer tokens a CORS policy kept from DPoP: a proof would have their revocation refused.
      return route?.dpop === 'off' ? undefined : revoke
    },
  }
}
