// Sender-constrained tokens (RFC 9449). Importable on its own, so a bundler can split it into a
// chunk that loads only when a server uses DPoP.
export {
  type DpopBinding,
  type DpopProofHeaders,
  type DpopTokenRequest,
  keyLost,
} from './binding.js'
export {
  createDpop,
  type Dpop,
  type DpopOptions,
  type StoredGrant,
  type TokenProofs,
} from './dpop.js'
export {
  type DpopKey,
  type DpopKeyPersistence,
  DpopKeyStore,
  dpopKeyStorageKey,
} from './key-store.js'
export { DpopNonces } from './nonces.js'
export { checkTokenType, DPOP_ALG, type DpopMode, type TokenType, usesDpop } from './policy.js'
export { createProof, type EcPublicJwk, jwkThumbprint, type ProofRequest } from './proof.js'
