// Sender-constrained tokens (RFC 9449). Importable on its own, so a bundler can split it into a
// chunk that loads only when a server uses DPoP.
export type {
  Dpop,
  DpopBinding,
  DpopKeyPersistence,
  DpopMode,
  DpopProofHeaders,
  DpopTokenRequest,
  StoredGrant,
  TokenProofs,
  TokenType,
} from '../contracts/dpop.js'
export { keyLost } from './binding.js'
export { createDpop, type DpopOptions } from './dpop.js'
export { type DpopKey, DpopKeyStore, dpopKeyStorageKey } from './key-store.js'
export { DpopNonces } from './nonces.js'
export { checkTokenType, DPOP_ALG, usesDpop } from './policy.js'
export { createProof, type EcPublicJwk, jwkThumbprint, type ProofRequest } from './proof.js'
