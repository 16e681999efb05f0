import type { Dpop, DpopBinding, DpopMode, TokenProofs } from '../contracts/dpop.js'
import type { TokenStorage } from '../contracts/storage.js'
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
  const proofs = (bound: DpopBinding, create: boolean): TokenProofs => ({
    tokenRequest: (endpoint, send) => bound.tokenRequest(endpoint, send, create),
    tokenType: (tokenType) => checkTokenType(mode, true, tokenType),
  })
  return {
    mode,
    applies: (as) => usesDpop(mode, as),
    tokenType: (proofSent, tokenType) => checkTokenType(mode, proofSent, tokenType),
    binding,
    forAuthorization: (as, resource) =>
      usesDpop(mode, as) ? proofs(binding(as.issuer, resource), true) : undefined,
    forRefresh({ issuer, resource, as, tokenType }) {
      if (!issuer || !as) return undefined
      if (tokenType === 'DPoP') return proofs(binding(issuer, resource), false)
      return usesDpop(mode, as) ? proofs(binding(issuer, resource), true) : undefined
    },
    bindingFor: ({ issuer, resource, tokenType }) =>
      tokenType === 'DPoP' && issuer ? binding(issuer, resource) : undefined,
    usable: async (grant) => {
      const bound = grant.tokenType === 'DPoP' && grant.issuer
      return !bound || binding(grant.issuer!, grant.resource).hasKey()
    },
    release: async ({ issuer, resource }) =>
      issuer ? binding(issuer, resource).release() : undefined,
  }
}
