import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord } from '../contracts/records.js'
import { readClient } from '../registration/stored-client.js'
import { keys } from '../storage/records.js'

/** A stored client as this page last read or wrote it, and the tab messages heard by then. */
interface Known {
  heard: number
  client: ClientRecord | undefined
}

/**
 * Per instance, by client key: the stored client as this page last read or wrote it. Servers of
 * one issuer share one client, so fifty of them probed at once, or one after another, read it
 * once (reads in flight together share one transaction anyway). Any message from another tab
 * or instance (about any server: a registration there comes with its tokens), or the page
 * coming back into view without a channel, makes the next read ask the storage again.
 */
const known = new WeakMap<AuthContext, Map<string, Known>>()

function knownClients(ctx: AuthContext): Map<string, Known> {
  const clients = known.get(ctx) ?? new Map<string, Known>()
  known.set(ctx, clients)
  return clients
}

/** The client stored for `issuer` and this app's redirect URI, if any, as this page knows it. */
export async function readKnownClient(
  ctx: AuthContext,
  issuer: string,
  onCorrupt: (key: string) => void,
): Promise<ClientRecord | undefined> {
  const key = keys.client(issuer, ctx.redirectUri)
  const clients = knownClients(ctx)
  const { heard } = ctx.tabs
  const kept = clients.get(key)
  if (kept?.heard === heard) return kept.client
  const client = await readClient(ctx, issuer, onCorrupt)
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
