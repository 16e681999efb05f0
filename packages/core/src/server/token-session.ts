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

/** What the token session needs from its handle. */
export interface TokenSessionHost {
  update(status: McpServerStatus, patch?: Patch): void
  fail(error: unknown, status: McpServerStatus): never
  clientFor(tokens: TokenRecord): Promise<ClientRecord>
  onCorrupt(key: string): void
}

/**
 * The tokens of one server: load, save, just-in-time refresh and clear. Every write of the
 * server's token record goes through here.
 */
export class TokenSession {
  readonly #ctx: AuthContext
  readonly #url: string
  readonly #host: TokenSessionHost
  readonly #refreshFlight = new SingleFlight<string>()
  #tokens: TokenRecord | undefined
  #loaded: Promise<void> | undefined

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
      this.#tokens = await this.#read()
    })()
    return this.#loaded
  }

  #read(): Promise<TokenRecord | undefined> {
    return readRecord<TokenRecord>(this.#ctx.storage, keys.tokens(this.#url), 'tokens', (key) =>
      this.#host.onCorrupt(key),
    )
  }

  async save(record: TokenRecord | undefined): Promise<void> {
    this.#tokens = record
    if (record) await this.#ctx.storage.set(keys.tokens(this.#url), record)
    else await this.#ctx.storage.delete(keys.tokens(this.#url))
  }

  /** Stores a static bearer token typed by the user. */
  saveStatic(token: string): Promise<void> {
    return this.save({ v: RECORD_VERSION, resource: this.#url, accessToken: token, scopes: [] })
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
   * Concurrent callers share one refresh; across tabs a Web Lock serialises refreshes and the
   * store is re-read under the lock, since another tab may have refreshed already.
   */
  refresh(staleAccessToken: string): Promise<string> {
    const host = this.#host
    return this.#refreshFlight.run(this.#url, () =>
      withCrossTabLock(`mcp-oauth:refresh:${this.#url}`, async () => {
        const current = await this.#read()
        this.#tokens = current
        if (!current) {
          host.update('needs-authorization')
          throw new AuthorizationError('not_authorized', 'The authorization was removed')
        }
        if (current.accessToken !== staleAccessToken && !this.expiring(current)) {
          host.update('authorized')
          return current.accessToken
        }
        if (!current.refreshToken || !current.as || !current.clientId) {
          await this.save(undefined)
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
          await this.save(next)
          host.update('authorized', { error: undefined })
          return next.accessToken
        } catch (error) {
          if (error instanceof McpAuthError && error.code === 'invalid_grant') {
            await this.save(undefined)
            host.update('needs-authorization', { error })
            throw error
          }
          // Transient: keep the tokens, report, let the caller retry later.
          return host.fail(error, 'authorized')
        }
      }),
    )
  }
}
