import type { AuthorizationServer } from 'oauth4webapi'
import type { CorruptHandler } from '../storage/records.js'
import type { TokenStorage } from '../storage/types.js'
import { createBinding, type DpopBinding, type DpopTokenRequest } from './binding.js'
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

/** Proofs for the token requests of one grant (RFC 9449 §5), and the rule for the answer. */
export interface TokenProofs {
  readonly tokenRequest: DpopTokenRequest
  /** How the issued token is presented; throws on a downgrade the mode refuses (RFC 9449 §5). */
  tokenType(tokenType: string): TokenType
}

type Metadata = Pick<AuthorizationServer, 'issuer' | 'dpop_signing_alg_values_supported'>

/** What the server handle knows of stored tokens (a token record). */
export interface StoredGrant {
  resource: string
  issuer?: string | undefined
  as?: Metadata | undefined
  tokenType?: TokenType | undefined
}

/** Sender-constrained tokens (RFC 9449) for every server of one `createMcpAuth()`. */
export interface Dpop {
  readonly mode: DpopMode
  /** Whether token requests to `as` carry proofs; throws `dpop_unsupported` when required but impossible. */
  applies(as: Metadata): boolean
  /** How an issued token is presented; throws on a downgrade the mode refuses (RFC 9449 §5). */
  tokenType(proofSent: boolean, tokenType: string): TokenType
  /** The key and proofs of one server (canonical resource) with one authorization server. */
  binding(issuer: string, resource: string): DpopBinding
  /**
   * Proofs for the code exchange of a new authorization with `as` (RFC 9449 §5), made with the
   * server's key (created on first use); `undefined` when its tokens are bearer tokens. Throws
   * `dpop_unsupported` in `'required'` mode when the server cannot bind tokens.
   */
  forAuthorization(as: Metadata, resource: string): TokenProofs | undefined
  /**
   * Proofs for a refresh (RFC 9449 §5): a bound token keeps its key, never a new one (its loss
   * is `dpop_key_lost`); a bearer token gets proofs when the server now binds tokens.
   */
  forRefresh(grant: StoredGrant): TokenProofs | undefined
  /** The binding a DPoP token is presented with (RFC 9449 §7.1); none for bearer tokens. */
  bindingFor(grant: StoredGrant): DpopBinding | undefined
  /** Whether a DPoP token's key still exists; `true` for bearer tokens, which need none. */
  usable(grant: StoredGrant): Promise<boolean>
  /** Deletes the key of tokens being disconnected; resolves with proofs for their revocation. */
  release(grant: StoredGrant): Promise<DpopTokenRequest | undefined>
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
