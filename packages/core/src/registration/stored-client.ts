import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import { type ClientRecord, RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import { keys, readRecord } from '../storage/records.js'
import { manualClient } from './manual-client.js'

/** A client ID that is missing, not a string, or blank is no client ID. */
export const isBlank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === ''

/** A stored client as this page last read or wrote it, and the tab messages heard by then. */
interface Known {
  heard: number
  client: ClientRecord | undefined
}

/**
 * Per instance, by client key: the stored client as this page last read or wrote it. Servers of
 * one issuer share one client, so fifty of them probed at once, or one after another, read it
 * once (reads in flight together share one transaction anyway). Any message from another tab
 * or instance (about any server: a registration there comes with its tokens) makes the next
 * read ask the storage again, as does the page coming back into view without a channel
 * (`forgetClients`).
 */
const known = new WeakMap<AuthContext, Map<string, Known>>()

function knownClients(ctx: AuthContext): Map<string, Known> {
  const clients = known.get(ctx) ?? new Map<string, Known>()
  known.set(ctx, clients)
  return clients
}

/** The client stored for `issuer` and this app's redirect URI, read from the storage itself. */
export function readStoredClient(
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

/** The client stored for `issuer` and this app's redirect URI, if any, as this page knows it. */
export async function readClient(
  ctx: AuthContext,
  issuer: string,
  onCorrupt: (key: string) => void,
): Promise<ClientRecord | undefined> {
  const key = keys.client(issuer, ctx.redirectUri)
  const clients = knownClients(ctx)
  const { heard } = ctx.tabs
  const kept = clients.get(key)
  if (kept?.heard === heard) return kept.client
  const client = await readStoredClient(ctx, issuer, onCorrupt)
  // Kept unless a message came meanwhile, or a write here already says what is stored.
  if (ctx.tabs.heard === heard && clients.get(key)?.heard !== heard) {
    clients.set(key, { heard, client })
  }
  return client
}

/**
 * Stores `client` under `key` (or deletes the stored one, with `undefined`); once written, it is
 * what this page reads there.
 */
export async function writeClient(
  ctx: AuthContext,
  key: string,
  client: ClientRecord | undefined,
): Promise<void> {
  const clients = knownClients(ctx)
  clients.delete(key)
  await (client ? ctx.storage.set(key, client) : ctx.storage.delete(key))
  clients.set(key, { heard: ctx.tabs.heard, client })
}

/** The page came back into view without a tab channel: the next read asks the storage. */
export function forgetClients(ctx: AuthContext): void {
  known.delete(ctx)
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
