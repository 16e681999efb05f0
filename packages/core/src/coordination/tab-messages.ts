/**
 * What one tab tells the others of the same origin when a server's stored session changed.
 * Only the server's resource URI, the kind of change, the generation and a random revision
 * cross: never a token, code, verifier, state or secret. Each receiving tab re-reads the store.
 */

/** The `BroadcastChannel` (same-origin by construction) the announcements travel on. */
export const TAB_CHANNEL = 'mcp-oauth:tokens'

/** `tokens`: the token record was written or removed; `client`: a client ID was stored. */
export type TabChange = 'tokens' | 'client'

export interface TabMessage {
  readonly resource: string
  readonly change: TabChange
  /** The generation of the tokens after the write (see `TokenSession`). */
  readonly generation: number
  /** Random per write, so that a write within one generation (a refresh) is noticed too. */
  readonly revision: string
}

/** A fresh revision: random, unrelated to any token. */
export function newRevision(): string {
  return `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 12)}`
}

/**
 * The message if `data` is a well-formed announcement for `resource`; anything else (another
 * shape, another server, an absurd generation) is `undefined` and must be ignored.
 */
export function readTabMessage(data: unknown, resource: string): TabMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const { resource: url, change, generation, revision } = data as Record<string, unknown>
  if (url !== resource) return undefined
  if (change !== 'tokens' && change !== 'client') return undefined
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0) {
    return undefined
  }
  if (typeof revision !== 'string' || revision.length === 0 || revision.length > 64) {
    return undefined
  }
  return { resource, change, generation, revision }
}
