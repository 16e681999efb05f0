import { ConfigurationError } from '../errors.js'
import { discard, type FetchLike } from '../http/fetch-json.js'
import { isInsecureLoopback, isWithinResource } from '../http/urls.js'
import type { DpopKeyPersistence, DpopKeyStore } from './key-store.js'
import {
  type DpopNonces,
  isResourceNonceChallenge,
  isTokenEndpointNonceChallenge,
} from './nonces.js'
import { createProof, type EcPublicJwk, exportPublicJwk, jwkThumbprint } from './proof.js'

/** Headers that carry a proof: spread into oauth4webapi's `headers` option of a token request. */
export type DpopProofHeaders = { dpop: string }

/**
 * The DPoP key of one server with one authorization server, and everything that signs with it
 * (RFC 9449). Every request gets a fresh proof: a new `jti` and `iat`, `htm`, `htu` without
 * query or fragment, the origin's latest nonce, and `ath` on resource requests (§4.2).
 */
export interface DpopBinding {
  readonly issuer: string
  readonly resource: string
  /**
   * Sends a token, refresh or revocation request through `send`, which adds the given headers
   * to it (RFC 9449 §5). A `use_dpop_nonce` answer (HTTP 400, §8) gets exactly one retry with a
   * new proof carrying the nonce; the second answer is returned whatever it is.
   */
  tokenRequest(
    endpoint: string,
    send: (headers: DpopProofHeaders) => Promise<Response>,
  ): Promise<Response>
  /**
   * Sends `request` to the resource with `Authorization: DPoP <token>` and a proof bound to the
   * token by `ath` (RFC 9449 §7.1). A `use_dpop_nonce` challenge (HTTP 401, §9) gets exactly
   * one retry with a new proof carrying the nonce. Refuses a URL outside the resource, and plain
   * HTTP except on loopback. Redirects are never followed with the token: a 3xx is returned
   * (opaque in browsers), and each hop the caller allows needs a call of its own.
   */
  resourceFetch(request: Request, accessToken: string, fetch: FetchLike): Promise<Response>
  /**
   * Whether the key exists, without creating it. A stored DPoP token whose key is gone (deleted,
   * or a memory-only key lost on reload) can never be used again, nor refreshed.
   */
  hasKey(): Promise<boolean>
  /** JWK SHA-256 thumbprint of the public key (RFC 7638), e.g. for `dpop_jkt` (RFC 9449 §10). */
  thumbprint(): Promise<string>
  /** Where the key lives; `memory` when the storage cannot hold a `CryptoKey`. */
  persistence(): Promise<DpopKeyPersistence>
  /** Deletes the key: every token bound to it becomes useless (disconnect). */
  deleteKey(): Promise<void>
}

interface LoadedKey {
  privateKey: CryptoKey
  jwk: EcPublicJwk
  persistence: DpopKeyPersistence
}

export function createBinding(
  issuer: string,
  resource: string,
  keys: DpopKeyStore,
  nonces: DpopNonces,
): DpopBinding {
  let current: Promise<LoadedKey> | undefined

  const load = () => {
    current ??= keys.get(issuer, resource).then(
      async ({ keyPair, persistence }) => ({
        privateKey: keyPair.privateKey,
        jwk: await exportPublicJwk(keyPair.publicKey),
        persistence,
      }),
      (error: unknown) => {
        current = undefined
        throw error
      },
    )
    return current
  }

  const proof = async (method: string, url: string, accessToken?: string) => {
    const { privateKey, jwk } = await load()
    const nonce = nonces.get(url)
    return createProof(privateKey, jwk, {
      method,
      url,
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(nonce ? { nonce } : {}),
    })
  }

  async function sendToResource(request: Request, accessToken: string, fetchFn: FetchLike) {
    const headers = new Headers(request.headers)
    headers.set('authorization', `DPoP ${accessToken}`)
    headers.set('dpop', await proof(request.method, request.url, accessToken))
    const response = await fetchFn(new Request(request, { headers, redirect: 'manual' }))
    nonces.remember(request.url, response)
    return response
  }

  return {
    issuer,
    resource,
    async tokenRequest(endpoint, send) {
      let response = await send({ dpop: await proof('POST', endpoint) })
      nonces.remember(endpoint, response)
      if (await isTokenEndpointNonceChallenge(response)) {
        discard(response)
        response = await send({ dpop: await proof('POST', endpoint) })
        nonces.remember(endpoint, response)
      }
      return response
    },
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
    async thumbprint() {
      return jwkThumbprint((await load()).jwk)
    },
    async persistence() {
      return (await load()).persistence
    },
    async deleteKey() {
      current = undefined
      await keys.delete(issuer, resource)
    },
  }
}
