import { lazily } from '../connect/lazily.js'
import type { AuthContext } from '../contracts/context.js'
import { TOKEN_RECORD_VERSION, type TokenRecord, type TokenRecordV1 } from '../contracts/records.js'
import type { TabMessage } from '../contracts/tabs.js'
import { withCrossTabLock } from '../coordination/cross-tab-lock.js'
import { newRevision } from '../coordination/tab-messages.js'
import { knownIssuer, shareCopies, upgradeTokens } from '../discovery/issuer-hints.js'
import { AuthorizationError, type McpAuthError, storageFailed } from '../errors.js'
import type { McpRefreshReason } from '../events/types.js'
import { followRoute } from '../routing/follow-route.js'
import { checkRecord, keys } from '../storage/records.js'
import type { RefreshHandle, RefreshHost } from './token-refresh.js'

/**
 * The refresh (OAuth 2.1 §4.3, `token-refresh.ts`, with the token endpoint's code): loaded at
 * the first refresh, so a page whose tokens are still fresh never loads it.
 */
const loadRefresh = lazily(() => import('./token-refresh.js'), 'token request')

/** A server's stored generation and token record as `restore()` read them, unchecked. */
export type StoredSession = readonly [generation: unknown, tokens: unknown]

/** What the token session needs from its handle. */
export interface TokenSessionHost extends RefreshHandle {
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
 * static token that started before it.
 *
 * Other tabs hear of each write and re-read the store. A message never empties memory by
 * itself: the tokens stay until the re-read says otherwise, and a call made meanwhile waits
 * for it. A burst of messages costs one re-read, and one more for those heard during it (a
 * store read takes at least a task, as IndexedDB's do).
 *
 * A write the storage refuses leaves memory as the write would have (a sign-out drops the
 * tokens, a refresh keeps its rotated tokens) and is owed: a re-read of the generation it was
 * to replace does not undo it, and the next write of this server (a refresh, an authorization,
 * a disconnect) stores what memory holds. A newer generation written by another tab wins.
 */
export class TokenSession {
  readonly #ctx: AuthContext
  readonly #url: string
  /** The handle's side of the session, made when first needed: most sessions just hold tokens. */
  readonly #host: () => TokenSessionHost
  /** The refresh under way: concurrent callers share it. */
  #refreshing: Promise<string> | undefined
  /** Made by the first refresh: most sessions never need one. */
  #refresher: RefreshHost | undefined
  #tokens: TokenRecord | undefined
  /** The generation the tokens in memory belong to. */
  #generation = 0
  #loaded: Promise<void> | undefined
  #listening = false
  /** Orders re-reads and writes: one that started before the last applied never overwrites it. */
  #syncs = 0
  #applied = 0
  /** The re-reads asked for by messages from other tabs, awaited before a token is handed out. */
  #pending: Promise<void> | undefined
  /** A message arrived since the last re-read started: one more follows. */
  #stale = false
  /** What `restore()` read for this server, used by the first load instead of a read. */
  #seed: StoredSession | undefined
  /** The stored generation an owed write (one the storage refused) was to replace. */
  #owed: number | undefined
  /** Disconnects asked for and not done yet: meanwhile no token is handed out, even a fresh one. */
  #clearing = 0

  constructor(ctx: AuthContext, url: string, host: () => TokenSessionHost) {
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

  /**
   * The tokens, once loaded and once every re-read another tab asked for is done: never
   * those of an older generation that a re-read is about to replace, and never none while
   * storage has some. Costs no storage read when nothing changed.
   */
  async current(): Promise<TokenRecord | undefined> {
    await this.load()
    await this.#pending
    return this.#tokens
  }

  /**
   * The tokens to present now, with no wait: in memory, no re-read pending, not expiring, and no
   * disconnect asked for. `undefined` otherwise: then `current()` and `accessToken()` decide.
   */
  fresh(): TokenRecord | undefined {
    const tokens = this.#tokens
    return !this.#pending && !this.#clearing && tokens && !this.expiring(tokens)
      ? tokens
      : undefined
  }

  /** Hands the session what `restore()` read for it: its first load then reads nothing. */
  seed(stored: StoredSession): void {
    if (this.#loaded) return
    this.#seed = stored
    this.#listen()
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
      const before = [this.#generation, this.#tokens, this.#owed] as const
      try {
        await this.#write(stored + 1, record, stored)
      } catch (error) {
        // A session that could not be stored is not used: memory goes back to what it held.
        ;[this.#generation, this.#tokens, this.#owed] = before
        throw error
      }
      return true
    })
  }

  /** Stores a static bearer token typed by the user. */
  saveStatic(generation: number, token: string): Promise<boolean> {
    const record: TokenRecord = {
      v: TOKEN_RECORD_VERSION,
      resource: this.#url,
      accessToken: token,
      scopes: [],
    }
    return this.commit(generation, record)
  }

  /**
   * Removes the tokens for good (disconnect); resolves with what was stored (to revoke) and,
   * when the storage refused the clear, the `storage_failed` error. The tokens leave memory
   * whatever the storage says; a refused clear is owed, and made by the next disconnect.
   */
  clear(): Promise<[TokenRecord | undefined, McpAuthError?]> {
    this.#clearing += 1
    return this.#locked(async (): Promise<[TokenRecord | undefined, McpAuthError?]> => {
      await this.load()
      const held = this.#tokens
      // The stored tokens are the ones to revoke, unless memory holds newer ones (unsaved, or
      // the store lost them).
      const stored = await this.#sync()
      const tokens = this.#tokens ?? held
      try {
        await this.#write(stored + 1, undefined, stored)
        return [tokens]
      } catch (error) {
        return [tokens, error as McpAuthError]
      }
    }).finally(() => {
      this.#clearing -= 1
    })
  }

  /** `token`, unless a disconnect was asked for since the caller started: a logout sticks. */
  #handOut(token: string): string {
    if (this.#clearing)
      throw new AuthorizationError('not_authorized', 'The authorization was removed')
    return token
  }

  expiring(tokens: TokenRecord): boolean {
    return (
      tokens.expiresAt !== undefined && tokens.expiresAt - this.#ctx.refreshSkewMs <= Date.now()
    )
  }

  /** A valid access token, refreshed just in time (`refreshSkewSeconds` before expiry). */
  async accessToken(): Promise<string> {
    const tokens = await this.current()
    if (!tokens) throw new AuthorizationError('not_authorized', 'This server is not authorized')
    if (!this.expiring(tokens)) return this.#handOut(tokens.accessToken)
    return this.refresh(tokens.accessToken)
  }

  /**
   * Refreshes unless someone already replaced `staleAccessToken`; resolves to a usable token.
   * Concurrent callers share one refresh; across tabs the lock serialises refreshes and the
   * store is re-read under it, since another tab may have refreshed (or disconnected) already.
   * `why` is for the event stream: the token is expiring, or the resource refused it.
   */
  refresh(staleAccessToken: string, why: McpRefreshReason = 'expiring'): Promise<string> {
    this.#refreshing ??= this.#locked(async () => {
      let refresh: typeof import('./token-refresh.js').refresh
      try {
        ;({ refresh } = await loadRefresh())
      } catch (error) {
        // Offline, say: the tokens stay, as after any transient failure.
        return this.#host().fail(error, 'authorized')
      }
      this.#refresher ??= {
        ctx: this.#ctx,
        url: this.#url,
        host: this.#host,
        memory: this,
        sync: () => this.#sync(),
        readGeneration: () => this.#readGeneration(),
        write: (generation, record, base) => this.#write(generation, record, base),
      }
      return refresh(this.#refresher, staleAccessToken, why)
    }).finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing.then((token) => this.#handOut(token))
  }

  /** The lock every write of this resource's tokens (and every refresh) runs under. */
  #locked<T>(task: () => Promise<T>): Promise<T> {
    return withCrossTabLock(`mcp-oauth:refresh:${this.#url}`, task)
  }

  /** Reports the token record as unreadable. */
  #corrupt(): undefined {
    this.#host().onCorrupt(keys.tokens(this.#url))
    return undefined
  }

  /** A token record as read, if it is valid and usable; a corrupt one is reported. */
  async #checked(value: unknown): Promise<TokenRecord | undefined> {
    const read = checkRecord<TokenRecord | TokenRecordV1>(
      value,
      keys.tokens(this.#url),
      'tokens',
      (key) => this.#host().onCorrupt(key),
    )
    // The handle's own string: one copy of the URL per server.
    if (read?.resource === this.#url) read.resource = this.#url
    const tokens = read && shareCopies(read.v === 1 ? upgradeTokens(this.#ctx, read) : read)
    // Their requests go the way they went when the tokens were obtained (directly or relayed):
    // relayed token requests go to the endpoints the metadata of their issuer names.
    const as =
      tokens?.route?.token === 'relay' && tokens.issuer
        ? await knownIssuer(this.#ctx, tokens.issuer, this.#host().onCorrupt)
        : undefined
    if (tokens) followRoute(this.#ctx, { ...tokens, as })
    // DPoP tokens whose key is gone (a memory-only key after a reload) can be presented by
    // nobody (RFC 9449 §7.1), and never as bearer tokens: they are as good as none; so are
    // bearer tokens in 'required' mode. Offline, the key cannot be checked, and the tokens stay.
    const usable =
      tokens &&
      this.#ctx.dpop(undefined, tokens.issuer ? (tokens.tokenType ?? 'Bearer') : undefined)?.then(
        (dpop) => dpop.usable(tokens),
        // Stryker disable next-line ArrowFunction: only `false` drops the tokens; undefined keeps them as true does
        () => true,
      )
    return (await usable) === false ? undefined : tokens
  }

  /** The stored generation; when the store cannot be read, the one memory holds. */
  async #readGeneration(): Promise<number> {
    const stored = this.#ctx.storage.get(keys.generation(this.#url))
    return generationOf(await stored.catch(() => this.#generation))
  }

  /**
   * Re-reads the generation and the tokens (or takes what `restore()` read);
   * resolves with the stored generation. While a write is owed, a read of the generation it
   * replaces does not undo it in memory.
   */
  async #sync(): Promise<number> {
    const sync = ++this.#syncs
    const { storage } = this.#ctx
    let read: readonly unknown[] | undefined = this.#seed
    this.#seed = undefined
    try {
      read ??= await Promise.all([
        storage.get(keys.generation(this.#url)),
        storage.get(keys.tokens(this.#url)),
      ])
    } catch {
      // Unreadable: reported, and memory stays as it is.
      this.#corrupt()
      return this.#generation
    }
    const [value, record] = read
    const generation = generationOf(value)
    const tokens = await this.#checked(record)
    // A re-read that ends after a newer re-read or a write must not overwrite what they set.
    if (sync > this.#applied && generation !== this.#owed) {
      this.#owed = undefined
      this.#applied = sync
      this.#tokens = tokens
      this.#generation = generation
    }
    return generation
  }

  /**
   * Call under the lock only. Memory takes `record` at once; the storage then, unless it
   * refuses: the write is then owed, to replace the stored generation `base`, and this rejects
   * with `storage_failed`. A clear deletes before it bumps: a crash never undoes it.
   */
  async #write(generation: number, record: TokenRecord | undefined, base: number): Promise<void> {
    const { storage } = this.#ctx
    const tokensKey = keys.tokens(this.#url)
    const generationKey = keys.generation(this.#url)
    this.#applied = ++this.#syncs
    this.#tokens = record
    this.#generation = generation
    this.#owed = base
    try {
      if (record) {
        await storage.set(generationKey, generation)
        await storage.set(tokensKey, record)
      } else {
        await storage.delete(tokensKey)
        await storage.set(generationKey, generation)
      }
    } catch (error) {
      throw storageFailed(error)
    }
    this.#owed = undefined
    this.#announce('tokens')
  }

  /** Tells the other tabs that a client ID was stored for this server's authorization server. */
  announceClient(): void {
    this.#announce('client')
  }

  #announce(change: TabMessage['change']): void {
    const revision = newRevision()
    this.#ctx.tabs.post({ resource: this.#url, change, generation: this.#generation, revision })
  }

  /** Hears writes from other tabs and instances through the instance's channel. */
  #listen(): void {
    if (this.#listening) return
    // Stryker disable next-line BooleanLiteral: listening twice only routes the same server to the same listener again
    this.#listening = true
    this.#ctx.tabs.listen(this.#url, (message) => {
      if (message?.change === 'client') return this.#host().clientChanged()
      // What restore() read may predate this change: the first load reads the store instead.
      this.#seed = undefined
      if (this.#loaded) this.#reread()
      // Back into view without a channel: a client ID may have been stored meanwhile too.
      if (!message) this.#host().clientChanged()
    })
  }

  /** Asks for a re-read; one under way takes the messages heard meanwhile as one more. */
  #reread(): void {
    this.#stale = true
    this.#pending ??= this.#catchUp()
  }

  async #catchUp(): Promise<void> {
    try {
      // Messages heard during a read (a burst arrives while the first read waits for the
      // store) cost one more read, not one each.
      while (this.#stale) {
        this.#stale = false
        await this.#sync()
        this.#host().changed(this.#tokens)
      }
    } catch {
      // A listener of the snapshot threw: the tokens are read all the same.
    } finally {
      this.#pending = undefined
    }
  }
}

/** A stored generation; anything unreadable counts as 0. */
const generationOf = (value: unknown): number =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : 0
