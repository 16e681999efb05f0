import type { AuthContext } from '../contracts/context.js'
import { type ClientRecord, RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import type { McpServerStatus, Patch } from '../contracts/snapshot.js'
import { withCrossTabLock } from '../coordination/cross-tab-lock.js'
import { SingleFlight } from '../coordination/single-flight.js'
import {
  newRevision,
  readTabMessage,
  TAB_CHANNEL,
  type TabChange,
} from '../coordination/tab-messages.js'
import { AuthorizationError, McpAuthError } from '../errors.js'
import { keys, readRecord } from '../storage/records.js'
import { refreshAccessToken } from '../tokens/token-endpoint.js'
import { traced } from '../tracing.js'

/** What the token session needs from its handle. */
export interface TokenSessionHost {
  update(status: McpServerStatus, patch?: Patch): void
  fail(error: unknown, status: McpServerStatus): never
  clientFor(tokens: TokenRecord): Promise<ClientRecord>
  onCorrupt(key: string): void
  /** Another tab or instance replaced or removed this server's tokens. */
  changed(tokens: TokenRecord | undefined): void
  /** Another tab stored a client ID, or the tab came back into view: re-read the client. */
  clientChanged(): void
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
  #listening = false
  /** The revision of the last write made or heard, to ignore a message already handled. */
  #revision: string | undefined
  /** Orders re-reads and writes: one that started before the last applied never overwrites it. */
  #syncs = 0
  #applied = 0
  /** The re-read started by a message from another tab, awaited before a token is handed out. */
  #pending: Promise<unknown> | undefined

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
    await this.#pending
    const tokens = this.#tokens
    if (!tokens) throw new AuthorizationError('not_authorized', 'This server is not authorized')
    if (!this.expiring(tokens)) return tokens.accessToken
    return this.refresh(tokens.accessToken)
  }

  /**
   * Refreshes unless someone already replaced `staleAccessToken`; resolves to a usable token.
   * Concurrent callers share one refresh; across tabs the lock serialises refreshes and the
   * store is re-read under it, since another tab may have refreshed (or disconnected) already.
   * `why` is for the event stream: the token is expiring, or the resource refused it.
   */
  refresh(
    staleAccessToken: string,
    why: 'expiring' | 'invalid_token' | 'unauthorized' = 'expiring',
  ): Promise<string> {
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
          const { as, refreshToken } = current
          // A bound token is refreshed with its own key: the new one stays bound to it.
          const proofs = (await this.#ctx.dpop(as, current.tokenType))?.forRefresh(current)
          const issued = await traced(
            this.#ctx,
            this.#url,
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
          if ((await this.#readGeneration()) !== generation) {
            // Cleared meanwhile by a tab without the Locks API: the clear wins.
            await this.#sync()
            throw new AuthorizationError('not_authorized', 'The authorization was removed')
          }
          await this.#write(generation, next)
          host.update('authorized', { error: undefined })
          return next.accessToken
        } catch (error) {
          if (
            error instanceof McpAuthError &&
            (error.code === 'invalid_grant' || error.code === 'dpop_key_lost')
          ) {
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

  async #read(): Promise<TokenRecord | undefined> {
    const tokens = await readRecord<TokenRecord>(
      this.#ctx.storage,
      keys.tokens(this.#url),
      'tokens',
      (key) => this.#host.onCorrupt(key),
    )
    // DPoP tokens whose key is gone (a memory-only key after a reload) can be presented by
    // nobody (RFC 9449 §7.1), and never as bearer tokens: they are as good as none. Offline,
    // the key cannot be checked, and the tokens stay.
    const usable =
      tokens &&
      this.#ctx.dpop(undefined, tokens.tokenType)?.then(
        (dpop) => dpop.usable(tokens),
        // Stryker disable next-line ArrowFunction: only `false` drops the tokens; undefined keeps them as true does
        () => true,
      )
    return (await usable) === false ? undefined : tokens
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
    const sync = ++this.#syncs
    const generation = await this.#readGeneration()
    const tokens = await this.#read()
    // A re-read that ends after a newer re-read or a write must not overwrite what they set.
    if (sync > this.#applied) {
      this.#applied = sync
      this.#tokens = tokens
      this.#generation = generation
    }
    return generation
  }

  /** Call under the lock only. A clear deletes before it bumps: a crash never undoes it. */
  async #write(generation: number, record: TokenRecord | undefined): Promise<void> {
    const { storage } = this.#ctx
    this.#applied = ++this.#syncs
    this.#tokens = record
    this.#generation = generation
    if (record) {
      await storage.set(keys.generation(this.#url), generation)
      await storage.set(keys.tokens(this.#url), record)
    } else {
      await storage.delete(keys.tokens(this.#url))
      await storage.set(keys.generation(this.#url), generation)
    }
    this.#announce('tokens')
  }

  /** Tells the other tabs that a client ID was stored for this server's authorization server. */
  announceClient(): void {
    this.#announce('client')
  }

  #announce(change: TabChange): void {
    this.#revision = newRevision()
    const message = { resource: this.#url, change, generation: this.#generation }
    this.#channel?.postMessage({ ...message, revision: this.#revision })
  }

  /**
   * Hears writes from other tabs and instances, and re-reads the store on each. Without
   * `BroadcastChannel`, re-reads the store whenever the page comes back into view.
   */
  #listen(): void {
    if (this.#listening) return
    // Stryker disable next-line BooleanLiteral: load() runs once, so this is only ever called once
    this.#listening = true
    if (typeof BroadcastChannel === 'undefined') {
      const page = (globalThis as { document?: Document }).document
      page?.addEventListener?.('visibilitychange', () => {
        if (page.visibilityState !== 'visible') return
        this.#reread()
        this.#host.clientChanged()
      })
      return
    }
    const channel = new BroadcastChannel(TAB_CHANNEL)
    // Node keeps a process alive while a channel is open; a page does not need this.
    ;(channel as { unref?: () => void }).unref?.()
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const message = readTabMessage(event.data, this.#url)
      if (!message || message.revision === this.#revision) return
      this.#revision = message.revision
      if (message.change === 'client') return this.#host.clientChanged()
      // Tokens of an older generation are never attached once a newer one is heard of: a
      // disconnect elsewhere drops them now, not after the re-read.
      if (message.generation > this.#generation) this.#tokens = undefined
      this.#reread()
    }
    this.#channel = channel
  }

  #reread(): void {
    const pending = this.#sync().then(
      () => this.#host.changed(this.#tokens),
      () => {},
    )
    this.#pending = pending
    void pending.finally(() => {
      if (this.#pending === pending) this.#pending = undefined
    })
  }
}
