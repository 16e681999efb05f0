import type { AuthorizationServer } from 'oauth4webapi'
import type { TokenType } from '../dpop/policy.js'
import type { RegistrationKind, TokenEndpointAuthMethod } from '../types.js'
import type { TokenStorage } from './types.js'

/** Bumped when a record's shape changes; older versions are ignored, never misread. */
export const RECORD_VERSION = 1

/** Tokens for one resource, with what is needed to refresh and revoke them after a reload. */
export interface TokenRecord {
  v: typeof RECORD_VERSION
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
  as?: AuthorizationServer
  resourceName?: string
  registration?: RegistrationKind
  /**
   * `DPoP`: the access token is bound to this server's DPoP key (RFC 9449) and presented with
   * proofs. Absent in records written before DPoP support: those are bearer tokens.
   */
  tokenType?: TokenType
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
}

export const keys = {
  tokens: (resource: string) => `tokens:${resource}`,
  client: (issuer: string, redirectUri: string) => `client:${issuer} ${redirectUri}`,
  pending: (state: string) => `pending:${state}`,
  /** A counter bumped by every new session and every clear of a resource's tokens. */
  generation: (resource: string) => `generation:${resource}`,
  tokensPrefix: 'tokens:',
  pendingPrefix: 'pending:',
}

export type CorruptHandler = (key: string, value: unknown) => void

const isString = (v: unknown): v is string => typeof v === 'string' && v !== ''

const validators = {
  tokens: (r: Record<string, unknown>) =>
    isString(r.resource) &&
    isString(r.accessToken) &&
    Array.isArray(r.scopes) &&
    (r.as === undefined || (typeof r.as === 'object' && r.as !== null)) &&
    (r.client === undefined || (typeof r.client === 'object' && r.client !== null)) &&
    (r.refreshToken === undefined || isString(r.refreshToken)) &&
    (r.expiresAt === undefined || typeof r.expiresAt === 'number') &&
    (r.tokenType === undefined || r.tokenType === 'DPoP' || r.tokenType === 'Bearer'),
  client: (r: Record<string, unknown>) =>
    isString(r.issuer) && isString(r.clientId) && isString(r.tokenEndpointAuthMethod),
  pending: (r: Record<string, unknown>) =>
    isString(r.state) &&
    isString(r.codeVerifier) &&
    isString(r.issuer) &&
    isString(r.resource) &&
    typeof r.as === 'object' &&
    typeof r.client === 'object' &&
    typeof r.expiresAt === 'number' &&
    (r.server === undefined || isString(r.server)),
}

/**
 * Reads a versioned record. A missing key is `undefined`; a record of another version or a
 * wrong shape is reported through `onCorrupt` and treated as missing, never thrown.
 */
export async function readRecord<T>(
  storage: TokenStorage,
  key: string,
  kind: keyof typeof validators,
  onCorrupt: CorruptHandler,
): Promise<T | undefined> {
  let value: unknown
  try {
    value = await storage.get(key)
  } catch (error) {
    onCorrupt(key, error)
    return undefined
  }
  if (value === undefined || value === null) return undefined
  const record = value as Record<string, unknown>
  if (typeof value !== 'object' || record.v !== RECORD_VERSION || !validators[kind](record)) {
    onCorrupt(key, value)
    return undefined
  }
  return value as T
}
