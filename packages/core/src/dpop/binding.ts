import * as oauth from 'oauth4webapi'
import { ConfigurationError } from '../errors.js'
import { discard, type FetchLike } from '../http/fetch-json.js'
import { oauthRequestOptions } from '../http/oauth-options.js'
import { isWithinResource } from '../http/urls.js'
import type { DpopKeyPersistence, DpopKeyStore } from './key-store.js'
import {
  type DpopNonces,
  isResourceNonceChallenge,
  isTokenEndpointNonceChallenge,
} from './nonces.js'

/** The oauth4webapi option that adds a proof to a token, refresh or registration request. */
export interface DpopRequestOptions {
  DPoP: oauth.DPoPHandle
}

/**
 * The DPoP key of one server with one authorization server, and everything that signs with it.
 * Proofs come from oauth4webapi's `DPoP()` handle: a fresh `jti` and `iat` each time, `htm`,
 * `htu` without query or fragment, and `ath` on resource requests (RFC 9449 §4.2).
 */
export interface DpopBinding {
  readonly issuer: string
  readonly resource: string
  /**
   * `{ DPoP }` for oauth4webapi token endpoint requests (RFC 9449 §5). Prefer
   * {@link DpopBinding.tokenRequest}, which also answers a nonce challenge.
   */
  requestOptions(): Promise<DpopRequestOptions>
  /**
   * Sends a token or refresh request through `send` with a proof. A `use_dpop_nonce` answer
   * (HTTP 400, RFC 9449 §8) gets exactly one retry with the nonce it supplied; the second
   * answer is returned whatever it is.
   */
  tokenRequest(
    endpoint: string,
    send: (options: DpopRequestOptions) => Promise<Response>,
  ): Promise<Response>
  /**
   * Sends `request` to the resource with `Authorization: DPoP <token>` and a fresh proof bound
   * to the token by `ath` (RFC 9449 §7.1). A `use_dpop_nonce` challenge (HTTP 401, RFC 9449 §9)
   * gets exactly one retry with a new proof carrying the nonce; a request whose body cannot be
   * replayed is not retried. Refuses a URL outside the resource.
   */
  resourceFetch(request: Request, accessToken: string, fetch: FetchLike): Promise<Response>
  /** JWK SHA-256 thumbprint of the public key (RFC 7638), e.g. for `dpop_jkt` (RFC 9449 §10). */
  thumbprint(): Promise<string>
  /** Where the key lives; `memory` when the storage cannot hold a `CryptoKey`. */
  persistence(): Promise<DpopKeyPersistence>
  /** Deletes the key: every token bound to it becomes useless (disconnect). */
  deleteKey(): Promise<void>
}

export function createBinding(
  issuer: string,
  resource: string,
  keys: DpopKeyStore,
  nonces: DpopNonces,
): DpopBinding {
  let current: Promise<{ handle: oauth.DPoPHandle; persistence: DpopKeyPersistence }> | undefined

  const load = () => {
    current ??= keys.get(issuer, resource).then(
      ({ keyPair, persistence }) => ({
        // The shared per-origin cache overrides the handle's own: another server's requests
        // may have learnt a newer nonce for the same authorization server.
        handle: oauth.DPoP({}, keyPair, {
          [oauth.modifyAssertion]: (_header, payload) => {
            const nonce = typeof payload.htu === 'string' ? nonces.get(payload.htu) : undefined
            if (nonce) payload.nonce = nonce
          },
        }),
        persistence,
      }),
      (error: unknown) => {
        current = undefined
        throw error
      },
    )
    return current
  }

  /** One resource request; resolves with what the server answered. */
  async function sendToResource(
    request: Request,
    accessToken: string,
    fetchFn: FetchLike,
    handle: oauth.DPoPHandle,
  ): Promise<Response> {
    let answered: Response | undefined
    const url = new URL(request.url)
    const options: oauth.ProtectedResourceRequestOptions = {
      ...oauthRequestOptions(fetchFn, url.href),
      DPoP: handle,
      // oauth4webapi builds the proof and the Authorization header; the app's request keeps
      // everything else (body, signal, redirect mode, credentials).
      [oauth.customFetch]: async (_url, init) => {
        const proofHeaders = new Headers(init.headers)
        const headers = new Headers(request.headers)
        headers.set('authorization', proofHeaders.get('authorization') ?? '')
        headers.set('dpop', proofHeaders.get('dpop') ?? '')
        answered = await fetchFn(new Request(request, { headers }))
        return answered
      },
    }
    try {
      await oauth.protectedResourceRequest(
        accessToken,
        request.method,
        url,
        new Headers(),
        null,
        options,
      )
    } catch (error) {
      // oauth4webapi rejects any answer with a challenge; the caller reads the response itself.
      if (!answered) {
        const code = (error as { code?: unknown })?.code
        if (code === oauth.HTTP_REQUEST_FORBIDDEN || code === oauth.REQUEST_PROTOCOL_FORBIDDEN) {
          throw new ConfigurationError(
            'insecure_url',
            `Refusing to send a token over plain HTTP to ${url.origin}`,
            { cause: error },
          )
        }
        throw error
      }
    }
    nonces.remember(url, answered!)
    return answered!
  }

  return {
    issuer,
    resource,
    async requestOptions() {
      return { DPoP: (await load()).handle }
    },
    async tokenRequest(endpoint, send) {
      const { handle } = await load()
      let response = await send({ DPoP: handle })
      nonces.remember(endpoint, response)
      if (await isTokenEndpointNonceChallenge(response)) {
        discard(response)
        response = await send({ DPoP: handle })
        nonces.remember(endpoint, response)
      }
      return response
    },
    async resourceFetch(request, accessToken, fetchFn) {
      if (!isWithinResource(request.url, resource)) {
        throw new ConfigurationError(
          'invalid_configuration',
          `${request.url} is outside ${resource}`,
        )
      }
      const { handle } = await load()
      // Keep a copy before the first send consumes the body: a nonce retry resends it.
      const replay = request.bodyUsed ? undefined : request.clone()
      const response = await sendToResource(request, accessToken, fetchFn, handle)
      if (!replay || !isResourceNonceChallenge(response)) {
        replay?.body?.cancel().catch(() => {})
        return response
      }
      discard(response)
      return sendToResource(replay, accessToken, fetchFn, handle)
    },
    async thumbprint() {
      return (await load()).handle.calculateThumbprint()
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
