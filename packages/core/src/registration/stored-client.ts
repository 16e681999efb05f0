import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import { type ClientRecord, RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import { keys, readRecord } from '../storage/records.js'
import { manualClient } from './manual-client.js'

/** A client ID that is missing, not a string, or blank is no client ID. */
export const isBlank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === ''

/** The client stored for `issuer` and this app's redirect URI, if any. */
export function readClient(
  ctx: AuthContext,
  issuer: string,
  onCorrupt: (key: string) => void,
): Promise<ClientRecord | undefined> {
  return readRecord<ClientRecord>(
    ctx.storage,
    keys.client(issuer, ctx.redirectUri),
    'client',
    onCorrupt,
  )
}

/**
 * The client to refresh or revoke `tokens` with: the one that obtained them, never a newer
 * registration, whose ID, secret or method would be refused (RFC 6749 §6). Tokens stored before
 * they carried their client fall back to the pre-registered credentials, then the stored
 * registration with the same ID, then a public client with that ID.
 */
export async function clientForTokens(
  ctx: AuthContext,
  tokens: TokenRecord,
  as: AuthorizationServer,
  onCorrupt: (key: string) => void,
): Promise<ClientRecord> {
  if (tokens.client && !isBlank(tokens.client.clientId)) return tokens.client
  const issuer = tokens.issuer!
  const pre = ctx.preRegistered[issuer]
  if (pre && !isBlank(pre.clientId)) {
    // Stryker disable next-line StringLiteral: refresh and revocation never read the kind
    return manualClient(as, ctx.redirectUri, pre, 'pre-registered')
  }
  const stored = await readClient(ctx, issuer, onCorrupt)
  if (stored && stored.clientId === tokens.clientId) return stored
  return {
    v: RECORD_VERSION,
    issuer,
    redirectUri: ctx.redirectUri,
    clientId: tokens.clientId!,
    // Stryker disable next-line StringLiteral: any method but the two secret ones sends the ID alone
    tokenEndpointAuthMethod: 'none',
    // Stryker disable next-line LogicalOperator,StringLiteral: refresh and revocation never read the kind
    kind: tokens.registration ?? 'dynamic',
  }
}
