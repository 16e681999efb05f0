import type { TabMessage } from '../contracts/tabs.js'

/** The `BroadcastChannel` (same-origin by construction) the announcements travel on. */
export const TAB_CHANNEL = 'mcp-oauth:tokens'

/** A fresh revision: random, unrelated to any token. */
export function newRevision(): string {
  return `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 12)}`
}

/**
 * The message if `data` is a well-formed announcement (see {@link TabMessage}); anything else
 * (another shape, an absurd generation) is `undefined` and must be ignored.
 */
export function readTabMessage(data: unknown): TabMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const { resource, change, generation, revision } = data as Record<string, unknown>
  if (typeof resource !== 'string') return undefined
  if (change !== 'tokens' && change !== 'client') return undefined
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0) {
    return undefined
  }
  if (typeof revision !== 'string' || revision.length === 0 || revision.length > 64) {
    return undefined
  }
  return { resource, change, generation, revision }
}
