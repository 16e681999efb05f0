import type { AuthorizationServer } from 'oauth4webapi'
import type { CorruptHandler } from '../storage/records.js'
import type { TokenStorage } from '../storage/types.js'
import { createBinding, type DpopBinding } from './binding.js'
import { DpopKeyStore } from './key-store.js'
import { DpopNonces } from './nonces.js'
import { checkTokenType, type DpopMode, type TokenType, usesDpop } from './policy.js'

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

/** Sender-constrained tokens (RFC 9449) for every server of one `createMcpAuth()`. */
export interface Dpop {
  readonly mode: DpopMode
  /** Whether token requests to `as` carry proofs; throws `dpop_unsupported` when required but impossible. */
  applies(as: Pick<AuthorizationServer, 'issuer' | 'dpop_signing_alg_values_supported'>): boolean
  /** How an issued token is presented; throws on a downgrade the mode refuses (RFC 9449 §5). */
  tokenType(proofSent: boolean, tokenType: string): TokenType
  /** The key and proofs of one server (canonical resource) with one authorization server. */
  binding(issuer: string, resource: string): DpopBinding
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
  return {
    mode,
    applies: (as) => usesDpop(mode, as),
    tokenType: (proofSent, tokenType) => checkTokenType(mode, proofSent, tokenType),
    binding(issuer, resource) {
      const id = `${issuer} ${resource}`
      let binding = bindings.get(id)
      if (!binding) {
        binding = createBinding(issuer, resource, keys, nonces)
        bindings.set(id, binding)
      }
      return binding
    },
  }
}
