import { RECORD_VERSION, TOKEN_RECORD_VERSION } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'

export const keys = {
  tokens: (resource: string) => `tokens:${resource}`,
  client: (issuer: string, redirectUri: string) => `client:${issuer} ${redirectUri}`,
  /** The AS metadata of an issuer, shared by every token record of that issuer. */
  issuer: (issuer: string) => `issuer:${issuer}`,
  pending: (state: string) => `pending:${state}`,
  revocation: (issuer: string) => `revocation:${issuer}`,
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
  issuer: (r: Record<string, unknown>) => isString((r.as as { issuer?: unknown } | null)?.issuer),
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
 * wrong shape is reported through `onCorrupt` and treated as missing, never thrown. Token
 * records of version 1 are read too: the caller upgrades them.
 */
export const readRecord = async <T>(
  storage: TokenStorage,
  key: string,
  kind: keyof typeof validators,
  onCorrupt: CorruptHandler,
): Promise<T | undefined> =>
  checkRecord<T>(
    await storage.get(key).then(undefined, (error) => void onCorrupt(key, error)),
    key,
    kind,
    onCorrupt,
  )

/** `value` as read from `key`, if it is a record of this version and shape (see `readRecord`). */
export function checkRecord<T>(
  value: unknown,
  key: string,
  kind: keyof typeof validators,
  onCorrupt: CorruptHandler,
): T | undefined {
  if (value === undefined || value === null) return undefined
  const record = value as Record<string, unknown>
  const versions = kind === 'tokens' ? [1, TOKEN_RECORD_VERSION] : [RECORD_VERSION]
  if (
    typeof value !== 'object' ||
    !versions.includes(record.v as number) ||
    !validators[kind](record)
  ) {
    onCorrupt(key, value)
    return undefined
  }
  return value as T
}
