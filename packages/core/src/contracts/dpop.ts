import type { AuthorizationServer } from 'oauth4webapi'
import type { FetchLike, ReplayableRequest } from './fetch.js'

// What the rest of the core knows of sender-constrained tokens (RFC 9449): the types of the DPoP
// chunk's surface, so that code which never binds a token never imports the chunk.

/**
 * When the kit binds tokens to a key (RFC 9449):
 * - `'auto'` (default): when the authorization server advertises ES256 in
 *   `dpop_signing_alg_values_supported` (RFC 9449 §5.1);
 * - `'required'`: always; a server that cannot bind tokens is refused (`dpop_unsupported`);
 * - `'off'`: never; tokens are bearer tokens.
 */
export type DpopMode = 'auto' | 'required' | 'off'

/** How a token is presented to its resource (RFC 9449 §7.1, RFC 6750 §2.1). */
export type TokenType = 'DPoP' | 'Bearer'

/** Where a key lives: `storage` survives a reload, `memory` only the page. */
export type DpopKeyPersistence = 'storage' | 'memory'

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
  resourceFetch(
    request: ReplayableRequest,
    accessToken: string,
    fetch: FetchLike,
  ): Promise<Response>
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

/** Proofs for the token requests of one grant (RFC 9449 §5), and the rule for the answer. */
export interface TokenProofs {
  readonly tokenRequest: DpopTokenRequest
  /** How the issued token is presented; throws on a downgrade the mode refuses (RFC 9449 §5). */
  tokenType(tokenType: string): TokenType
  /** The key's JWK thumbprint, for the authorization request's `dpop_jkt` (RFC 9449 §10). */
  thumbprint(): Promise<string>
  /** Where the key lives: `memory` when the storage cannot keep a `CryptoKey`. */
  persistence(): Promise<DpopKeyPersistence>
}

type Metadata = Pick<AuthorizationServer, 'issuer' | 'dpop_signing_alg_values_supported'>

/** What the server handle knows of stored tokens (a token record). */
export interface StoredGrant {
  resource: string
  issuer?: string | undefined
  as?: Metadata | undefined
  tokenType?: TokenType | undefined
  /** The routes decided for these tokens (`TokenRoute`): their DPoP mode rules over the instance's. */
  route?: { readonly dpop: DpopMode } | undefined
}

/** Sender-constrained tokens (RFC 9449) for every server of one `createMcpAuth()`. */
export interface Dpop {
  readonly mode: DpopMode
  /**
   * The DPoP mode of a new authorization with `as`: `off` when its token requests carry no
   * proofs. `required` (the resource's `dpop_bound_access_tokens_required`, RFC 9728 §2 and
   * RFC 9449 §5.2) makes it `required` whatever the instance's mode; it throws
   * `dpop_unsupported` when DPoP is required and `as` cannot bind tokens, or the app turned it
   * `'off'`.
   */
  plan(as: Metadata, required?: boolean): DpopMode
  /** How an issued token is presented; throws on a downgrade the mode refuses (RFC 9449 §5). */
  tokenType(proofSent: boolean, tokenType: string): TokenType
  /** The key and proofs of one server (canonical resource) with one authorization server. */
  binding(issuer: string, resource: string): DpopBinding
  /**
   * Proofs for the code exchange of a new authorization with `as` (RFC 9449 §5), made with the
   * server's key (created on first use), in `mode` (the authorization's, see {@link plan};
   * default the instance's); `undefined` when its tokens are bearer tokens. Throws
   * `dpop_unsupported` in `'required'` mode when the server cannot bind tokens.
   */
  forAuthorization(as: Metadata, resource: string, mode?: DpopMode): TokenProofs | undefined
  /**
   * Proofs for a refresh (RFC 9449 §5), in the mode of the grant's route when it has one: a
   * bound token keeps its key, never a new one (its loss is `dpop_key_lost`); a bearer token
   * gets proofs when its route's mode (or, for tokens stored without a route, the server) binds
   * tokens; none when its route's mode is `off`.
   */
  forRefresh(grant: StoredGrant): TokenProofs | undefined
  /** The binding a DPoP token is presented with (RFC 9449 §7.1); none for bearer tokens. */
  bindingFor(grant: StoredGrant): DpopBinding | undefined
  /**
   * Whether stored tokens can be used: a DPoP token's key still exists; a bearer token of an
   * authorization server is refused in `'required'` mode (it was stored before that mode).
   */
  usable(grant: StoredGrant): Promise<boolean>
  /** Deletes the key of tokens being disconnected; resolves with proofs for their revocation. */
  release(grant: StoredGrant): Promise<DpopTokenRequest | undefined>
}

/**
 * The DPoP module (RFC 9449) of one `createMcpAuth()`, a chunk of its own: it loads only when
 * `as` may bind tokens (always in `'required'` mode; in `'auto'` when it lists ES256 in
 * `dpop_signing_alg_values_supported`, RFC 9449 §5.1), a stored token is bound (`tokenType`
 * `DPoP`), or, in `'required'` mode, a stored token of any type is read; it resolves
 * `undefined` otherwise, without loading anything.
 */
export type DpopLoader = (
  as: Pick<AuthorizationServer, 'dpop_signing_alg_values_supported'> | undefined,
  tokenType?: TokenType,
) => Promise<Dpop> | undefined
