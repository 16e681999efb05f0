import type { HeardMessage } from '../contracts/tabs.js'

/** The `BroadcastChannel` (same-origin by construction) the announcements travel on. */
export const TAB_CHANNEL = 'mcp-oauth:tokens'

/** A fresh revision: random, unrelated to any token. */
export function newRevision(): string {
  return `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 12)}`
}

/**
 * The server and the kind of change `data` announces, or `undefined` for anything else (which
 * must be ignored). Nothing else of a message is read: it only ever makes a tab re-read.
 */
export function readTabMessage(data: unknown): HeardMessage | undefined {
  const { resource, change } = (data ?? {}) as Record<string, unknown>
  return typeof resource === 'string' && (change === 'tokens' || change === 'client')
    ? { resource, change }
    : undefined
}
