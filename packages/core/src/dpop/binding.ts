import type { DpopBinding, DpopKeyPersistence, DpopTokenRequest } from '../contracts/dpop.js'
import type { FetchLike } from '../contracts/fetch.js'
import { ConfigurationError, TokenError } from '../errors.js'
import { isInsecureLoopback, isWithinResource } from '../http/urls.js'
import type { DpopKey, DpopKeyStore } from './key-store.js'
import {
  type DpopNonces,
  isResourceNonceChallenge,
  isTokenEndpointNonceChallenge,
} from './nonces.js'
import { createProof, type EcPublicJwk, exportPublicJwk, jwkThumbprint } from './proof.js'

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
