import { ConfigurationError, TokenError } from '../errors.js'
import type { FetchLike } from '../http/fetch-json.js'
import { isInsecureLoopback, isWithinResource } from '../http/urls.js'
import type { DpopKey, DpopKeyPersistence, DpopKeyStore } from './key-store.js'
import {
  type DpopNonces,
  isResourceNonceChallenge,
  isTokenEndpointNonceChallenge,
} from './nonces.js'
import { createProof, type EcPublicJwk, exportPublicJwk, jwkThumbprint } from './proof.js'

/** Headers that carry a proof: spread into oauth4webapi's `headers` option of a token request. */
export type DpopProofHeaders = { dpop: string }

/**
 * Sends a token, refresh or revocation request through `send`, which adds the given headers to
 * it (RFC 9449 §5). A `use_dpop_nonce` answer (HTTP 400, §8) gets exactly one retry with a new
 * proof carrying the nonce; the second answer is returned whatever it is.
 */
export type DpopTokenRequest = (
  endpoint: string,
  send: (headers: DpopProofHeaders) => Promise<Response>,
) => Promise<Response>

/**
 * The DPoP key of one server with one authorization server, and everything that signs with it
 * (RFC 9449). Every request gets a fresh proof: a new `jti` and `iat`, `htm`, `htu` without
 * query or fragment, the origin's latest nonce, and `ath` on resource requests (§4.2).
 */
export interface DpopBinding {
  readonly issuer: string
  readonly resource: string
  /**
   * A token request with a proof (see {@link DpopTokenRequest}). The key is read from storage
   * each time, since another tab may have replaced it. `create: false` (the refresh of a bound
   * token) refuses to make a new key: a token is bound to the key it was issued for.
   */
  tokenRequest(
    endpoint: string,
    send: (headers: DpopProofHeaders) => Promise<Response>,
    create?: boolean,
  ): Promise<Response>
  /**
   * Sends `request` to the resource with `Authorization: DPoP <token>` and a proof bound to the
   * token by `ath` (RFC 9449 §7.1). A `use_dpop_nonce` challenge (HTTP 401, §9) gets exactly
   * one retry with a new proof carrying the nonce. Refuses a URL outside the resource, and plain
   * HTTP except on loopback. Redirects are never followed with the token: a 3xx is returned
   * (opaque in browsers), and each hop the caller allows needs a call of its own. Never makes a
   * key: without one, it rejects with `dpop_key_lost`.
   */
  resourceFetch(request: Request, accessToken: string, fetch: FetchLike): Promise<Response>
  /**
   * Whether the key exists, without creating it. A stored DPoP token whose key is gone (deleted,
   * or a memory-only key lost on reload) can never be used again, nor refreshed.
   */
  hasKey(): Promise<boolean>
  /** Rejects with `dpop_key_lost` when the key is gone (see {@link hasKey}); never creates it. */
  assertKey(): Promise<void>
  /** JWK SHA-256 thumbprint of the public key (RFC 7638), e.g. for `dpop_jkt` (RFC 9449 §10). */
  thumbprint(): Promise<string>
  /** Where the key lives; `memory` when the storage cannot hold a `CryptoKey`. */
  persistence(): Promise<DpopKeyPersistence>
  /** Deletes the key: every token bound to it becomes useless (disconnect). */
  deleteKey(): Promise<void>
  /**
   * Deletes the key (disconnect) and resolves with proofs signed by it for the requests that
   * end its tokens (RFC 7009 revocation), or `undefined` when there was no key. The stored key
   * goes first, so an authorization that starts meanwhile gets a key of its own.
   */
  release(): Promise<DpopTokenRequest | undefined>
}

/**
 * Releases the body of an answer that is retried (as `discard` in http/fetch-json, kept apart so
 * that this chunk shares no module with the core it does not need).
 */
const discard = (response: Response) => void response.body?.cancel().catch(() => {})

interface LoadedKey {
  privateKey: CryptoKey
  jwk: EcPublicJwk
  persistence: DpopKeyPersistence
}

/** A DPoP token whose key is gone: nobody can present it any more, this page included. */
export const keyLost = (issuer: string, resource: string) =>
  new TokenError(
    'dpop_key_lost',
    `The DPoP key the tokens for ${resource} are bound to is gone: authorize again`,
    { details: { issuer, resource } },
  )

const loaded = async ({ keyPair, persistence }: DpopKey): Promise<LoadedKey> => ({
  privateKey: keyPair.privateKey,
  jwk: await exportPublicJwk(keyPair.publicKey),
  persistence,
})

export function createBinding(
  issuer: string,
  resource: string,
  keys: DpopKeyStore,
  nonces: DpopNonces,
): DpopBinding {
  /** The key resource requests sign with, kept in memory between requests. */
  let current: Promise<LoadedKey> | undefined

  /** Reads the key from storage (creating it when `create`), and keeps it for later requests. */
  const load = (create: boolean) => {
    const next = (create ? keys.get(issuer, resource) : keys.find(issuer, resource)).then((key) => {
      if (!key) throw keyLost(issuer, resource)
      return loaded(key)
    })
    current = next
    next.catch(() => {
      if (current === next) current = undefined
    })
    return next
  }

  const proof = async (key: LoadedKey, method: string, url: string, accessToken?: string) => {
    const nonce = nonces.get(url)
    return createProof(key.privateKey, key.jwk, {
      method,
      url,
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(nonce ? { nonce } : {}),
    })
  }

  /** Token requests with `key`: one retry on `use_dpop_nonce` (RFC 9449 §8). */
  const tokenRequestWith =
    (key: () => Promise<LoadedKey>): DpopTokenRequest =>
    async (endpoint, send) => {
      const signed = await key()
      let response = await send({ dpop: await proof(signed, 'POST', endpoint) })
      nonces.remember(endpoint, response)
      if (await isTokenEndpointNonceChallenge(response)) {
        discard(response)
        response = await send({ dpop: await proof(signed, 'POST', endpoint) })
        nonces.remember(endpoint, response)
      }
      return response
    }

  async function sendToResource(request: Request, accessToken: string, fetchFn: FetchLike) {
    const key = await (current ?? load(false))
    const headers = new Headers(request.headers)
    headers.set('authorization', `DPoP ${accessToken}`)
    headers.set('dpop', await proof(key, request.method, request.url, accessToken))
    const response = await fetchFn(new Request(request, { headers, redirect: 'manual' }))
    nonces.remember(request.url, response)
    return response
  }

  return {
    issuer,
    resource,
    tokenRequest: (endpoint, send, create = true) =>
      tokenRequestWith(() => load(create))(endpoint, send),
    async resourceFetch(request, accessToken, fetchFn) {
      const url = new URL(request.url)
      if (!isWithinResource(url, resource)) {
        throw new ConfigurationError('invalid_configuration', `${url.href} is outside ${resource}`)
      }
      if (url.protocol !== 'https:' && !isInsecureLoopback(url)) {
        throw new ConfigurationError(
          'insecure_url',
          `Refusing to send a token over ${url.protocol} to ${url.origin}`,
        )
      }
      // Copy before the first send consumes the body: a nonce retry sends it again.
      const replay = request.bodyUsed ? undefined : request.clone()
      const response = await sendToResource(request, accessToken, fetchFn)
      if (!replay || !isResourceNonceChallenge(response)) {
        replay?.body?.cancel().catch(() => {})
        return response
      }
      discard(response)
      return sendToResource(replay, accessToken, fetchFn)
    },
    async hasKey() {
      return (await keys.find(issuer, resource)) !== undefined
    },
    async assertKey() {
      if (!(await keys.find(issuer, resource))) throw keyLost(issuer, resource)
    },
    async thumbprint() {
      return jwkThumbprint((await (current ?? load(true))).jwk)
    },
    async persistence() {
      return (await (current ?? load(true))).persistence
    },
    async deleteKey() {
      current = undefined
      await keys.delete(issuer, resource)
    },
    async release() {
      const found = await keys.find(issuer, resource)
      current = undefined
      await keys.delete(issuer, resource)
      if (!found) return undefined
      const key = loaded(found)
      return tokenRequestWith(() => key)
    },
  }
}
