import type { AuthorizationServer } from 'oauth4webapi'
import { loadConnect } from '../connect/load.js'
import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord, TokenRecord } from '../contracts/records.js'
import type { McpServerStatus, Patch } from '../contracts/snapshot.js'
import { knownIssuer } from '../discovery/issuer-hints.js'
import { AuthorizationError, McpAuthError } from '../errors.js'
import type { McpRefreshReason } from '../events/types.js'
import { followRoute, relayNeeded } from '../routing/follow-route.js'
import { refreshAccessToken } from '../tokens/token-endpoint.js'
import { traced } from '../tracing.js'

// The refresh of a token session (`token-session.ts`), loaded with the token endpoint's code the
// first time a session refreshes: a page whose tokens are all fresh never loads it.

/** What a refresh needs of the server's handle (the rest of `TokenSessionHost`). */
export interface RefreshHandle {
  update(status: McpServerStatus, patch?: Patch): void
  fail(error: unknown, status: McpServerStatus): never
  clientFor(tokens: TokenRecord, as: AuthorizationServer): Promise<ClientRecord>
  onCorrupt(key: string): void
}

/** What a refresh needs of its token session: its store, read and written as the session does. */
export interface RefreshHost {
  readonly ctx: AuthContext
  readonly url: string
  host(): RefreshHandle
  /** The session's tokens in memory, and whether they are about to expire. */
  readonly memory: {
    readonly tokens: TokenRecord | undefined
    expiring(tokens: TokenRecord): boolean
  }
  /** Re-reads the generation and the tokens; resolves with the stored generation. */
  sync(): Promise<number>
  /** The stored generation. */
  readGeneration(): Promise<number>
  /** Under the lock: memory takes `record`, then the storage (see `TokenSession`). */
  write(generation: number, record: TokenRecord | undefined, base: number): Promise<void>
}

/**
 * Refreshes the tokens of `session`, under its lock, unless someone already replaced
 * `staleAccessToken`; resolves to a usable access token (OAuth 2.1 §4.3). The store is re-read
 * first: another tab may have refreshed, or disconnected, already. `invalid_grant` (or a DPoP
 * key that is gone) clears the tokens; any other failure is transient and keeps them.
 */
export async function refresh(
  session: RefreshHost,
  staleAccessToken: string,
  why: McpRefreshReason,
): Promise<string> {
  const { ctx, url } = session
  const host = session.host()
  // Rotated tokens an earlier refresh could not store stay the live ones: the re-read
  // keeps them, and this refresh stores its own.
  const generation = await session.sync()
  const current = session.memory.tokens
  if (!current) {
    host.update('needs-authorization')
    throw new AuthorizationError('not_authorized', 'The authorization was removed')
  }
  if (current.accessToken !== staleAccessToken && !session.memory.expiring(current)) {
    host.update('authorized')
    return current.accessToken
  }
  if (!current.refreshToken || !current.issuer || !current.clientId) {
    await session.write(generation + 1, undefined, generation).catch(() => {})
    host.update('needs-authorization')
    throw new AuthorizationError(
      'not_authorized',
      'The access token expired and there is no refresh token',
    )
  }
  host.update('refreshing')
  try {
    // Obtained through the relay: sent straight, the refresh token would be spent for nothing.
    if (!followRoute(ctx, current)) throw relayNeeded()
    const { issuer, refreshToken } = current
    // Gone from storage: discovered anew (RFC 8414).
    const as =
      (await knownIssuer(ctx, issuer, host.onCorrupt)) ??
      (await (await loadConnect()).rediscoverIssuer(ctx, issuer))
    const client = await host.clientFor(current, as)
    // A bound token is refreshed with its own key: the new one stays bound to it.
    const proofs = (await ctx.dpop(as, current.tokenType))?.forRefresh({
      ...current,
      as,
    })
    const issued = await traced(
      ctx,
      url,
      'refresh',
      (f) =>
        refreshAccessToken({
          fetch: f,
          as,
          client,
          refreshToken,
          resource: current.resource,
          scopes: current.scopes,
          proofs,
        }),
      why,
    )
    const next: TokenRecord = { ...current, ...issued }
    if (!issued.expiresAt) delete next.expiresAt
    if ((await session.readGeneration()) !== generation) {
      // Cleared meanwhile by a tab without the Locks API: the clear wins.
      await session.sync()
      throw new AuthorizationError('not_authorized', 'The authorization was removed')
    }
    // The refresh token was spent: a write the storage refuses keeps the new tokens in
    // use (owed, stored by the next write), and says so.
    const error = await session.write(generation, next, generation).then(
      () => undefined,
      (failed: McpAuthError) => failed,
    )
    host.update('authorized', { error })
    return next.accessToken
  } catch (error) {
    if (
      error instanceof McpAuthError &&
      (error.code === 'invalid_grant' || error.code === 'dpop_key_lost')
    ) {
      await session.write(generation + 1, undefined, generation).catch(() => {})
      host.update('needs-authorization', { error })
      throw error
    }
    if (error instanceof McpAuthError && error.code === 'not_authorized') throw error
    // Transient: keep the tokens, report, let the caller retry later.
    return host.fail(error, 'authorized')
  }
}
