import type { AuthorizationServer } from 'oauth4webapi'
import type { RegistrationKind, TokenEndpointAuthMethod } from './client.js'
import type { DpopKeyPersistence, TokenType } from './dpop.js'
import type { TokenRoute } from './routes.js'

/** Bumped when a record's shape changes; older versions are ignored, never misread. */
export const RECORD_VERSION = 1

/**
 * The version of token records. Version 2 leaves the AS metadata out: it is stored once per
 * issuer ({@link IssuerRecord}). A version 1 record is upgraded when read.
 */
export const TOKEN_RECORD_VERSION = 2

/**
 * Tokens for one resource, with what is needed to refresh and revoke them after a reload; the
 * metadata of their authorization server is the {@link IssuerRecord} of `issuer`.
 */
export interface TokenRecord {
  v: typeof TOKEN_RECORD_VERSION
  resource: string
  accessToken: string
  refreshToken?: string
  /** Epoch milliseconds. */
  expiresAt?: number
  scopes: string[]
  /** Absent for a static token typed by the user. */
  issuer?: string
  clientId?: string
  /** The client that obtained these tokens: refresh and revocation use exactly this one. */
  client?: ClientRecord
  resourceName?: string
  registration?: RegistrationKind
  /**
   * `DPoP`: the access token is bound to this server's DPoP key (RFC 9449) and presented with
   * proofs. Absent in records written before DPoP support: those are bearer tokens.
   */
  tokenType?: TokenType
  /**
   * How the token, revocation and resource requests of these tokens go, decided before the code
   * was sent. Absent in records written before routes were kept: those go direct.
   */
  route?: TokenRoute
  /** `memory` when the DPoP key could not be stored (a storage without `CryptoKey` support). */
  dpopKey?: DpopKeyPersistence
}

/** A token record as version 1 stored it: with its own copy of the AS metadata. */
export interface TokenRecordV1 extends Omit<TokenRecord, 'v'> {
  v: 1
  as?: AuthorizationServer
}

/**
 * The validated metadata of one authorization server (RFC 8414), stored once for every token
 * record of its issuer: refresh and revocation after a reload read it from here.
 */
export interface IssuerRecord {
  v: typeof RECORD_VERSION
  as: AuthorizationServer
}

/** A client identity with one authorization server, keyed by exact issuer (MCP 2026-07-28, SEP-2352). */
export interface ClientRecord {
  v: typeof RECORD_VERSION
  issuer: string
  redirectUri: string
  clientId: string
  clientSecret?: string
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
  kind: RegistrationKind
  /** The `scope` a dynamic registration asked for (RFC 7591 §2); it may bound later requests. */
  scope?: string
}

/** One authorization in flight, keyed by `state`. Two flows never share a record. */
export interface PendingRecord {
  v: typeof RECORD_VERSION
  state: string
  codeVerifier: string
  /** The issuer of the validated metadata, recorded before redirecting (RFC 9207; SEP-2468). */
  issuer: string
  resource: string
  redirectUri: string
  clientId: string
  scopes: string[]
  /** The validated AS metadata, so a callback after a full-page redirect needs no discovery. */
  as: AuthorizationServer
  /** The client used for this flow. */
  client: ClientRecord
  /** Epoch milliseconds after which the callback is refused. */
  expiresAt: number
  returnTo?: string
  /** The server URL of the handle that started the flow (`resource` may be broader). */
  server?: string
  /** The token generation when the flow started: a later disconnect makes the flow lose. */
  generation?: number
  /** The routes decided before the authorization URL was built (`dpop_jkt` follows `dpop`). */
  route?: TokenRoute
}

/**
 * What an authorization server said it cannot revoke (RFC 7009 §2.2.1 `unsupported_token_type`
 * for an access token), so that later disconnects do not ask again until `until`.
 */
export interface RevocationRecord {
  v: typeof RECORD_VERSION
  issuer: string
  /** Epoch milliseconds after which the server is asked again. */
  until: number
}
