import { AuthorizationError, McpAuthError } from '../errors.js'
import {
  type ClientRecord,
  keys,
  RECORD_VERSION,
  readRecord,
  type TokenRecord,
} from '../storage/records.js'
import { SingleFlight, withCrossTabLock } from '../tokens/refresh-lock.js'
import { refreshAccessToken } from '../tokens/token-endpoint.js'
import type { McpServerStatus } from '../types.js'
import type { AuthContext } from './context.js'
import type { Patch } from './snapshot.js'

/** The error of a write that lost to a later disconnect. */
export function superseded(): AuthorizationError {
  return new AuthorizationError(
    'cancelled',
    'A disconnect that came later wins: the tokens of this authorization were not kept',
    { details: { superseded: true } },
  )
}

export const isSuperseded = (error: unknown) =>
  error instanceof AuthorizationError && error.details?.superseded === true

/** The channel on which a write of a resource's tokens is announced to other tabs. */
const CHANNEL = 'mcp-oauth:tokens'

/** What the token session needs from its handle. */
export interface TokenSessionHost {
  update(status: McpServerStatus, patch?: Patch): void
  fail(error: unknown, status: McpServerStatus): never
  clientFor(tokens: TokenRecord): Promise<ClientRecord>
  onCorrupt(key: string): void
  /** Another tab or instance replaced or removed this server's tokens. */
  changed(tokens: TokenRecord | undefined): void
}

/**
 * The tokens of one server, and the only writer of its token record. Writes are ordered by a
 * generation stored beside the tokens: every new session and every clear bumps it, and every
 * write happens under the cross-tab lock, only if the generation is still the one the writer
 * captured when it started. So a disconnect is never undone by a refresh, an exchange or a
 * static token that started before it. Other tabs hear of each write and re-read the store.
 */
export class TokenSession {
  readonly #ctx: AuthContext
  readonly #url: string
  readonly #host: TokenSessionHost
  readonly #refreshFlight = new SingleFlight<string>()
  #tokens: TokenRecord | undefined
  /** The generation the tokens in memory belong to. */
  #generation = 0
  #loaded: Promise<void> | undefined
  #channel: BroadcastChannel | undefined

  constructor(ctx: AuthContext, url: string, host: TokenSessionHost) {
    this.#ctx = ctx
    this.#url = url
    this.#host = host
  }

  /** The tokens in memory (after `load()`). */
  get tokens(): TokenRecord | undefined {
    return this.#tokens
  }

  /** Loads stored tokens once; a corrupt record is reported and ignored. */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      this.#listen()
      await this.#sync()
    })()
    return this.#loaded
  }

  /** The current generation: a writer captures it when it starts, and passes it to `commit`. */
  async generation(): Promise<number> {
    await this.load()
    return this.#readGeneration()
  }

  /**
   * Stores the tokens of a new session (an authorization or a static token), bumping the
   * generation, unless the generation moved since `generation` was captured: then nothing is
   * written, the tokens in memory are re-read, and this resolves `false`.
   */
  commit(generation: number, record: TokenRecord): Promise<boolean> {
    return this.#locked(async () => {
      const stored = await this.#readGeneration()
      if (stored !== generation) {
        await this.#sync()
        return false
      }
      await this.#write(stored + 1, record)
      return true
    })
  }

  /** Stores a static bearer token typed by the user. */
  saveStatic(generation: number, token: string): Promise<boolean> {
    const record: TokenRecord = {
      v: RECORD_VERSION,
      resource: this.#url,
      accessToken: token,
      scopes: [],
    }
    return this.commit(generation, record)
  }

  /** Removes the tokens for good (disconnect); resolves with what was stored, to revoke. */
  clear(): Promise<TokenRecord | undefined> {
    return this.#locked(async () => {
      await this.load()
      const stored = (await this.#read()) ?? this.#tokens
      await this.#write((await this.#readGeneration()) + 1, undefined)
      return stored
    })
  }

  expiring(tokens: TokenRecord): boolean {
    return (
      tokens.expiresAt !== undefined && tokens.expiresAt - this.#ctx.refreshSkewMs <= Date.now()
    )
  }

  /** A valid access token, refreshed just in time (`refreshSkewSeconds` before expiry). */
  async accessToken(): Promise<string> {
    await this.load()
    const tokens = this.#tokens
    if (!tokens) throw new AuthorizationError('not_authorized', 'This server is not authorized')
    if (!this.expiring(tokens)) return tokens.accessToken
    return this.refresh(tokens.accessToken)
  }

  /**
   * Refreshes unless someone already replaced `staleAccessToken`; resolves to a usable token.
   * Concurrent callers share one refresh; across tabs the lock serialises refreshes and the
   * store is re-read under it, since another tab may have refreshed (or disconnected) already.
   */
  refresh(staleAccessToken: string): Promise<string> {
    const host = this.#host
    return this.#refreshFlight.run(this.#url, () =>
      this.#locked(async () => {
        const generation = await this.#sync()
        const current = this.#tokens
        if (!current) {
          host.update('needs-authorization')
          throw new AuthorizationError('not_authorized', 'The authorization was removed')
        }
        if (current.accessToken !== staleAccessToken && !this.expiring(current)) {
          host.update('authorized')
          return current.accessToken
        }
        if (!current.refreshToken || !current.as || !current.clientId) {
          await this.#write(generation + 1, undefined)
          host.update('needs-authorization')
          throw new AuthorizationError(
            'not_authorized',
            'The access token expired and there is no refresh token',
          )
        }
        host.update('refreshing')
        const client = await host.clientFor(current)
        try {
          const issued = await refreshAccessToken({
            fetch: this.#ctx.fetch,
            as: current.as,
            client,
            refreshToken: current.refreshToken,
            resource: current.resource,
            scopes: current.scopes,
          })
          const next: TokenRecord = { ...current, ...issued }
          if (!issued.expiresAt) delete next.expiresAt
          if ((await this.#readGeneration()) !== generation) {
            // Cleared meanwhile by a tab without the Locks API: the clear wins.
            await this.#sync()
            throw new AuthorizationError('not_authorized', 'The authorization was removed')
          }
          await this.#write(generation, next)
          host.update('authorized', { error: undefined })
          return next.accessToken
        } catch (error) {
          if (error instanceof McpAuthError && error.code === 'invalid_grant') {
            await this.#write(generation + 1, undefined)
            host.update('needs-authorization', { error })
            throw error
          }
          if (error instanceof McpAuthError && error.code === 'not_authorized') throw error
          // Transient: keep the tokens, report, let the caller retry later.
          return host.fail(error, 'authorized')
        }
      }),
    )
  }

  /** The lock every write of this resource's tokens (and every refresh) runs under. */
  #locked<T>(task: () => Promise<T>): Promise<T> {
    return withCrossTabLock(`mcp-oauth:refresh:${this.#url}`, task)
  }

  #read(): Promise<TokenRecord | undefined> {
    return readRecord<TokenRecord>(this.#ctx.storage, keys.tokens(this.#url), 'tokens', (key) =>
      this.#host.onCorrupt(key),
    )
  }

  async #readGeneration(): Promise<number> {
    try {
      const value = await this.#ctx.storage.get(keys.generation(this.#url))
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : 0
    } catch {
      return 0
    }
  }

  /** Re-reads the generation and the tokens; resolves with the generation. */
  async #sync(): Promise<number> {
    const generation = await this.#readGeneration()
    this.#tokens = await this.#read()
    this.#generation = generation
    return generation
  }

  /** Call under the lock only. A clear deletes before it bumps: a crash never undoes it. */
  async #write(generation: number, record: TokenRecord | undefined): Promise<void> {
    const { storage } = this.#ctx
    this.#tokens = record
    this.#generation = generation
    if (record) {
      await storage.set(keys.generation(this.#url), generation)
      await storage.set(keys.tokens(this.#url), record)
    } else {
      await storage.delete(keys.tokens(this.#url))
      await storage.set(keys.generation(this.#url), generation)
    }
    this.#channel?.postMessage({ resource: this.#url, generation })
  }

  /** Hears writes from other tabs and instances, and re-reads the store when one happened. */
  #listen(): void {
    if (typeof BroadcastChannel === 'undefined' || this.#channel) return
    const channel = new BroadcastChannel(CHANNEL)
    // Node keeps a process alive while a channel is open; a page does not need this.
    ;(channel as { unref?: () => void }).unref?.()
    channel.onmessage = (event: MessageEvent<{ resource?: unknown; generation?: unknown }>) => {
      const { resource, generation } = event.data ?? {}
      if (resource !== this.#url || generation === this.#generation) return
      void this.#sync().then(
        () => this.#host.changed(this.#tokens),
        () => {},
      )
    }
    this.#channel = channel
  }
}
