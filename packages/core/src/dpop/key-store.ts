import type { DpopKeyPersistence } from '../contracts/dpop.js'
import type { TokenStorage } from '../contracts/storage.js'
import { withCrossTabLock } from '../coordination/cross-tab-lock.js'
import { SingleFlight } from '../coordination/single-flight.js'
import type { CorruptHandler } from '../storage/records.js'

/** Bumped when the key record's shape changes; other versions are ignored, never misread. */
export const DPOP_KEY_VERSION = 1

/**
 * The proof-of-possession key of one server with one authorization server (RFC 9449 §2).
 * The private key is a non-extractable WebCrypto key: IndexedDB keeps it by structured clone,
 * so script on the page can sign with it but can never read it out.
 */
export interface DpopKeyRecord {
  v: typeof DPOP_KEY_VERSION
  issuer: string
  resource: string
  /** JWS algorithm of the proofs (RFC 7518 §3.4); the only one this kit signs with. */
  alg: 'ES256'
  keyPair: CryptoKeyPair
  /** Epoch milliseconds. */
  createdAt: number
}

export interface DpopKey {
  keyPair: CryptoKeyPair
  persistence: DpopKeyPersistence
}

export const dpopKeyStorageKey = (issuer: string, resource: string) =>
  `dpop-key:${issuer} ${resource}`

const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof CryptoKey !== 'undefined' && value instanceof CryptoKey

/**
 * A usable ES256 key pair: P-256 ECDSA, a private key that signs and cannot be exported, and a
 * public key that can (oauth4webapi embeds it as the proof's `jwk` header, RFC 9449 §4.2).
 */
export function isDpopKeyPair(value: unknown): value is CryptoKeyPair {
  if (!value || typeof value !== 'object') return false
  const { privateKey, publicKey } = value as Partial<CryptoKeyPair>
  if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey)) return false
  const curve = (key: CryptoKey) => (key.algorithm as EcKeyAlgorithm).namedCurve
  return (
    privateKey.type === 'private' &&
    publicKey.type === 'public' &&
    privateKey.algorithm.name === 'ECDSA' &&
    curve(privateKey) === 'P-256' &&
    curve(publicKey) === 'P-256' &&
    privateKey.extractable === false &&
    publicKey.extractable === true &&
    privateKey.usages.includes('sign')
  )
}

function isKeyRecord(value: unknown, issuer: string, resource: string): value is DpopKeyRecord {
  if (!value || typeof value !== 'object') return false
  const r = value as Record<string, unknown>
  return (
    r.v === DPOP_KEY_VERSION &&
    r.issuer === issuer &&
    r.resource === resource &&
    r.alg === 'ES256' &&
    isDpopKeyPair(r.keyPair)
  )
}

export interface DpopKeyStoreOptions {
  storage: TokenStorage
  /** A stored key of another version or shape: reported, then replaced. */
  onCorrupt?: CorruptHandler
  /** The storage could not keep the key (it cannot hold a `CryptoKey`): it lives in memory. */
  onMemoryOnly?: (storageKey: string, cause: unknown) => void
  now?: () => number
}

/**
 * Loads, creates and deletes DPoP keys, one per (issuer, resource). Creation runs once per key
 * in a tab and under a cross-tab Web Lock, re-reading the store inside it, so two tabs never
 * bind tokens of one server to two different keys.
 */
export class DpopKeyStore {
  readonly #options: DpopKeyStoreOptions
  /** Keys the storage could not hold, for the rest of the page's life. */
  readonly #memory = new Map<string, CryptoKeyPair>()
  readonly #flight = new SingleFlight<DpopKey>()

  constructor(options: DpopKeyStoreOptions) {
    this.#options = options
  }

  /** The stored key, or none. Never creates one. */
  find(issuer: string, resource: string): Promise<DpopKey | undefined> {
    return this.#read(issuer, resource, true)
  }

  async #read(issuer: string, resource: string, report: boolean): Promise<DpopKey | undefined> {
    const key = dpopKeyStorageKey(issuer, resource)
    const inMemory = this.#memory.get(key)
    if (inMemory) return { keyPair: inMemory, persistence: 'memory' }
    let value: unknown
    try {
      value = await this.#options.storage.get(key)
    } catch (error) {
      if (report) this.#options.onCorrupt?.(key, error)
      return undefined
    }
    if (value === undefined || value === null) return undefined
    if (!isKeyRecord(value, issuer, resource)) {
      if (report) this.#options.onCorrupt?.(key, value)
      return undefined
    }
    return { keyPair: value.keyPair, persistence: 'storage' }
  }

  /** The key of this server, created on first use (RFC 9449 §2: the client's own key pair). */
  get(issuer: string, resource: string): Promise<DpopKey> {
    const key = dpopKeyStorageKey(issuer, resource)
    return this.#flight.run(key, async () => {
      // Read outside the lock first (the common case); a bad record is reported once, inside it.
      const found = await this.#read(issuer, resource, false)
      if (found) return found
      return withCrossTabLock(`mcp-oauth:${key}`, async () => {
        return (await this.find(issuer, resource)) ?? this.#create(issuer, resource)
      })
    })
  }

  /**
   * Forgets the key: tokens bound to it can no longer be used by anyone, this page included.
   * Storage failures are swallowed: the in-memory copy is gone whatever the storage says.
   */
  async delete(issuer: string, resource: string): Promise<void> {
    const key = dpopKeyStorageKey(issuer, resource)
    this.#memory.delete(key)
    try {
      await this.#options.storage.delete(key)
    } catch {
      // nothing more to do: a key that cannot be read is a key that cannot sign
    }
  }

  async #create(issuer: string, resource: string): Promise<DpopKey> {
    const key = dpopKeyStorageKey(issuer, resource)
    // Non-extractable: WebCrypto still lets the public half be exported (RFC 9449 §4.2 `jwk`).
    const keyPair = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const record: DpopKeyRecord = {
      v: DPOP_KEY_VERSION,
      issuer,
      resource,
      alg: 'ES256',
      keyPair,
      createdAt: (this.#options.now ?? Date.now)(),
    }
    try {
      await this.#options.storage.set(key, record)
      // A storage that serialises to JSON "keeps" a CryptoKey as `{}`: read it back to be sure.
      const stored = await this.#options.storage.get(key)
      if (isKeyRecord(stored, issuer, resource)) return { keyPair, persistence: 'storage' }
      await this.#options.storage.delete(key)
      // Stryker disable next-line OptionalChaining: without a handler the call throws into the catch below, which calls none either
      this.#options.onMemoryOnly?.(key, new TypeError('The storage does not keep CryptoKey values'))
    } catch (cause) {
      this.#options.onMemoryOnly?.(key, cause)
    }
    this.#memory.set(key, keyPair)
    return { keyPair, persistence: 'memory' }
  }
}
