import type { AuthorizationServer } from 'oauth4webapi'
import { appOrigin, checkReturnTo } from '../authorize/return-to.js'
import type { ClientIdentity } from '../connect/client-identity.js'
import type { AuthorizationHost } from '../connect/host.js'
import { loadConnect, loadCredentials, loadProbe } from '../connect/load.js'
import { loadExchange } from '../connect/load-steps.js'
import type { AuthorizeOptions } from '../contracts/authorize.js'
import type { PreRegisteredClient } from '../contracts/client.js'
import type { AuthContext } from '../contracts/context.js'
import type { DriverSession } from '../contracts/driver.js'
import type { McpServerHandle } from '../contracts/handle.js'
import type { ClientRecord, PendingRecord, TokenRecord } from '../contracts/records.js'
import type {
  McpServerSnapshot,
  McpServerStatus,
  Patch,
  RevocationReport,
} from '../contracts/snapshot.js'
import { knownIssuer } from '../discovery/issuer-hints.js'
import {
  AuthorizationError,
  asMcpAuthError,
  isSuperseded,
  McpAuthError,
  superseded,
} from '../errors.js'
import { clientForTokens } from '../registration/stored-client.js'
import { traced } from '../tracing.js'
import { DiscoveryCache } from './discovery-cache.js'
import { fetchResource, type ResourceFetchHost } from './resource-fetch.js'
import { nextSnapshot, statusAfterOutsideChange } from './snapshot.js'
import { SnapshotStore } from './snapshot-store.js'
import type { StepUp } from './step-up.js'
import { type StoredSession, TokenSession, type TokenSessionHost } from './token-session.js'

/**
 * The handle for one MCP server: the observable the bindings read. It runs each protocol step
 * in order (probe, discovery, registration, authorization, token exchange, refresh, revocation)
 * through the parts of this folder; see {@link McpServerHandle} for what each method promises.
 */
export class ServerHandle implements McpServerHandle {
  /** The canonical resource URI of the server, as given to `auth.server()`. */
  readonly url: string
  readonly #ctx: AuthContext
  readonly #store: SnapshotStore<McpServerSnapshot>
  /** Made by the first discovery or flow: a server with stored tokens may never need one. */
  #discoveryCache: DiscoveryCache | undefined
  /** Created with the connect chunk, the first time a client identity is needed. */
  #clients: ClientIdentity | undefined
  readonly #session: TokenSession
  #stepUps: StepUp | undefined
  /** What the tokens, `fetch` and the authorization flow lend from this handle: made on first use. */
  #sessionHost: TokenSessionHost | undefined
  #resourceHost: ResourceFetchHost | undefined
  #authorizationHost: AuthorizationHost | undefined
  #flow: AbortController | undefined
  /** Counts probes and authorizations, so that only the newest sets the status. */
  #latest = 0

  constructor(ctx: AuthContext, url: string) {
    this.#ctx = ctx
    this.url = url
    this.#store = new SnapshotStore<McpServerSnapshot>({
      resource: url,
      status: 'unknown',
      scopes: [],
      storage: ctx.storage.kind,
    })
    this.#session = new TokenSession(ctx, url, () => this.#tokensHost)
  }

  get #tokensHost(): TokenSessionHost {
    this.#sessionHost ??= {
      update: (status, patch) => this.#updateInUse(status, patch),
      fail: (error, status) => this.#fail(error, status),
      clientFor: (tokens, as) => clientForTokens(this.#ctx, tokens, as, this.reportCorrupt),
      onCorrupt: (key) => this.#ctx.reportCorrupt(this, key),
      changed: (tokens) => this.#changedElsewhere(tokens),
      // Another tab stored a client ID: a server waiting for one may now be authorized.
      clientChanged: () => {
        if (this.getSnapshot().status === 'needs-client-id') {
          loadCredentials().then(
            ({ clientArrived }) => clientArrived(this.#host),
            () => {},
          )
        }
      },
    }
    return this.#sessionHost
  }

  get #discovery(): DiscoveryCache {
    this.#discoveryCache ??= new DiscoveryCache(this.#ctx, this.url)
    return this.#discoveryCache
  }

  get #host(): AuthorizationHost {
    this.#authorizationHost ??= {
      ctx: this.#ctx,
      url: this.url,
      discovery: this.#discovery,
      session: this.#session,
      identity: () => this.#identity(),
      status: () => this.getSnapshot().status,
      update: (status, patch) => this.#update(status, patch),
    }
    return this.#authorizationHost
  }

  get #resource(): ResourceFetchHost {
    this.#resourceHost ??= {
      ctx: this.#ctx,
      url: this.url,
      session: this.#session,
      discovery: this.#discovery,
      stepUp: (make) => {
        if (make) this.#stepUps ??= make()
        return this.#stepUps
      },
      status: () => this.getSnapshot().status,
      error: () => this.getSnapshot().error,
      update: (status, patch) => this.#updateInUse(status, patch),
    }
    return this.#resourceHost
  }

  async #identity(): Promise<ClientIdentity> {
    const { ClientIdentity } = await loadConnect()
    this.#clients ??= new ClientIdentity(
      this.#ctx,
      (key) => this.reportCorrupt(key),
      (error) => this.#update(this.getSnapshot().status, { error }),
    )
    return this.#clients
  }

  /** Listens to snapshot changes; calls `listener` at once (Svelte store contract). */
  subscribe = (listener: (snapshot: McpServerSnapshot) => void): (() => void) =>
    this.#store.subscribe(listener)

  /** The current snapshot. Stable between changes, so it suits `useSyncExternalStore`. */
  getSnapshot = (): McpServerSnapshot => this.#store.get()

  #update(status: McpServerStatus, patch: Patch = {}): McpServerSnapshot {
    const discovery = this.#discoveryCache?.current
    const next = nextSnapshot(this.#store.get(), status, patch, {
      resource: this.url,
      storage: this.#ctx.storage.kind,
      prm: discovery?.prm,
      issuer: discovery?.as.issuer,
      tokens: this.#session.tokens,
      stepUpScopes: this.#stepUps?.pending?.scopes,
    })
    this.#store.set(next)
    return next
  }

  /**
   * A status change from using the tokens (a refresh, `server.fetch`). A disconnect sticks: a
   * call or refresh still under way when the user disconnected finds no tokens, and that is
   * what the user asked for, not news: the status stays `disconnected`.
   */
  #updateInUse(status: McpServerStatus, patch?: Patch): McpServerSnapshot {
    const lost = status === 'needs-authorization' && !this.#session.tokens
    if (lost && this.getSnapshot().status === 'disconnected') return this.getSnapshot()
    return this.#update(status, patch)
  }

  /**
   * Reports a failure in the snapshot: a transient one keeps stored tokens usable
   * (`authorized`), anything else sets `status`.
   */
  #report(error: McpAuthError, status: McpServerStatus = 'error'): McpServerSnapshot {
    return this.#update(error.transient && this.#session.tokens ? 'authorized' : status, { error })
  }

  #fail(error: unknown, status?: McpServerStatus): never {
    const err = asMcpAuthError(error)
    this.#report(err, status)
    throw err
  }

  /** Another tab or instance stored or removed this server's tokens. */
  #changedElsewhere(tokens: TokenRecord | undefined): void {
    const next = statusAfterOutsideChange(this.getSnapshot(), tokens)
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: the pending step-up is read only in needs-step-up, which only a new refusal sets, replacing it
    if (next === 'disconnected' && this.#stepUps) this.#stepUps.pending = undefined
    if (next) this.#update(next, next === 'disconnected' ? { error: undefined, scopes: [] } : {})
  }

  /** @internal Called by the auth instance when a stored record is unreadable. */
  reportCorrupt = (key: string): void => {
    this.#update(this.getSnapshot().status, {
      error: new McpAuthError(
        'storage_corrupt',
        `Ignored an unreadable stored record (${key.split(':')[0]})`,
      ),
    })
  }

  /**
   * Finds out what the server needs, without user interaction: stored tokens → `authorized`;
   * otherwise an unauthenticated request (MCP authorization, "Authorization Server
   * Discovery"), then discovery and client resolution → `open`, `needs-authorization`,
   * `needs-client-id`, `needs-token` or `error`.
   *
   * Never rejects: a protocol, network or server failure is state, not an exception. The
   * snapshot it resolves with has `status: 'error'` and the typed failure in `error` (a
   * transient one with stored tokens keeps `authorized`), the way a query library keeps a
   * failed query's error in its state. So `void server.probe()` is safe anywhere.
   */
  probe = async (): Promise<McpServerSnapshot> => {
    // Only the newest probe or authorization sets the status; an older answer is dropped.
    const operation = ++this.#latest
    const current = () => operation === this.#latest
    this.#update('probing', { error: undefined })
    try {
      const [status, patch] = await this.#probe()
      return current() ? this.#update(status, patch) : this.getSnapshot()
    } catch (error) {
      return current() ? this.#report(asMcpAuthError(error)) : this.getSnapshot()
    }
  }

  async #probe(): Promise<[McpServerStatus, Patch?]> {
    if (await this.#session.current()) return ['authorized']
    // Discovery follows: its chunk loads while the probe is under way.
    loadConnect().catch(() => {})
    const { probeServer } = await loadProbe()
    const result = await traced(this.#ctx, this.url, 'probe', (f) =>
      probeServer(f, this.url, this.#ctx.protocolVersion),
    )
    if (result.kind === 'open') return ['open']
    const challenge = result.challenge
    if (challenge?.params.scope) this.#discovery.challengeScope = challenge.params.scope
    const discovery = await this.#discovery.discover(challenge, true)
    if (!discovery) return ['needs-token']
    // `needs-authorization` when a client identity is at hand, else `needs-client-id`.
    const client = await (await this.#identity()).resolve(discovery, false)
    if (!client) return ['needs-client-id']
    return ['needs-authorization', { registration: client.kind }]
  }

  /**
   * Supplies a client ID (and optional secret) for the discovered authorization server when it
   * offers no registration (`needs-client-id`). An empty or blank ID is refused.
   */
  submitClientId = async (credentials: PreRegisteredClient): Promise<McpServerSnapshot> =>
    (await loadCredentials()).submitClientId(this.#host, credentials)

  /** Stores a static bearer token for a token-only server (`needs-token`). */
  submitToken = async (token: string): Promise<McpServerSnapshot> => {
    // Captured before the module loads: a disconnect asked for after this call wins.
    const generation = this.#session.generation()
    return (await loadCredentials()).submitToken(this.#host, token, generation)
  }

  /**
   * Runs the authorization code flow with PKCE (OAuth 2.1 §4.1) through the driver. In a browser
   * call it inside the user's click: the driver opens its window before the first `await`.
   * Resolves with the `authorized` snapshot; rejects with a typed error (and reports it in the
   * snapshot) when the user cancels or denies, or anything fails.
   */
  authorize = (options: AuthorizeOptions = {}): Promise<McpServerSnapshot> => {
    let session: DriverSession | undefined
    this.#latest += 1
    try {
      const returnTo = checkReturnTo(options.returnTo, appOrigin(this.#ctx.redirectUri))
      if (returnTo) options = { ...options, returnTo }
      this.#checkStepUpBudget()
      session = this.#ctx.beginAuthorization(options)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.#authorize(options, session)
  }

  #checkStepUpBudget(): void {
    if (this.getSnapshot().status !== 'needs-step-up') return
    try {
      // `needs-step-up` comes from a refusal, which made the state.
      this.#stepUps?.begin(this.#ctx.maxStepUpAttempts)
    } catch (error) {
      this.#update('error', { error: asMcpAuthError(error) })
      throw error
    }
  }

  async #authorize(options: AuthorizeOptions, session: DriverSession): Promise<McpServerSnapshot> {
    this.#flow?.abort()
    const flow = new AbortController()
    this.#flow = flow
    const stepUp =
      this.getSnapshot().status === 'needs-step-up' ? this.#stepUps?.pending : undefined
    let flowClient: ClientRecord | undefined
    try {
      const { runAuthorization } = await loadConnect()
      const { callbackUrl, state } = await runAuthorization(
        this.#host,
        options,
        session,
        flow.signal,
        stepUp,
        (client) => {
          flowClient = client
        },
        () => this.#flow === flow,
      )
      return await this.completeCallback(callbackUrl, state)
    } catch (error) {
      // A newer authorize() aborted this one, or a later disconnect() won: they own the snapshot.
      if (this.#flow !== flow || isSuperseded(error)) throw error
      // What the failure means is decided in the connect chunk; one that did not load is the
      // failure (a network error).
      const connect = await loadConnect().catch(() => undefined)
      if (!connect) return this.#fail(error, 'error')
      const reason = connect.flowFailure(error, flow.signal)
      if (flowClient && reason.details?.error === 'invalid_scope') {
        // Stryker disable next-line OptionalChaining: a flow client comes from the client identity, which is then created
        await this.#clients?.scopeRefused(flowClient)
      }
      return this.#fail(reason, connect.statusAfterFailure(reason, this.getSnapshot().status))
    } finally {
      session.close()
      if (this.#flow === flow) this.#flow = undefined
    }
  }

  /**
   * Finishes a flow from its callback URL: consumes the pending record for the response's
   * `state` (so a callback works once), checks `iss`, `state` and `error` in that order, then
   * exchanges the code. `expectedState` pins the flow this call is waiting for.
   * @internal Used by the popup listener and `completeRedirect()`.
   */
  completeCallback = async (
    callbackUrl: string,
    expectedState?: string,
  ): Promise<McpServerSnapshot> => {
    const { exchangeCallback } = await loadExchange()
    const { record, client, as, generation } = await exchangeCallback(
      this.#ctx,
      callbackUrl,
      expectedState,
      this.#discoveryCache?.current?.prm?.resource_name,
    )
    const started = generation ?? (await this.#session.generation())
    const kept = await this.#session.commit(started, record).catch((error: unknown) => error)
    if (kept !== true) {
      // Never stored (a later disconnect won, or the storage refused them): revoked, so that
      // they cannot outlive what the user sees.
      await this.#revoke(record, client, as)
      throw kept || superseded()
    }
    if (this.#stepUps) this.#stepUps.pending = undefined
    return this.#update('authorized', { error: undefined })
  }

  /** Stops a flow in progress; the snapshot becomes `cancelled`. */
  cancel = (): void => {
    if (!this.#flow) return
    this.#flow.abort()
    this.#update('cancelled', {
      error: new AuthorizationError('cancelled', 'The authorization was cancelled'),
    })
  }

  /**
   * A valid access token for this server, refreshed just in time (`refreshSkewSeconds` before
   * expiry). Concurrent callers share one refresh; across tabs a Web Lock serialises refreshes
   * and the store is re-read under the lock, since another tab may have refreshed already.
   */
  getAccessToken = (): Promise<string> => {
    return this.#session.accessToken()
  }

  /**
   * `fetch` for this server. The bearer token goes only to URLs of this resource (same origin,
   * path at or under it); a request whose `Authorization` header the app set passes untouched.
   * A 401 `invalid_token` gets one refresh and one retry; any other 401 means
   * `needs-authorization`. A 403 `insufficient_scope` means `needs-step-up` with the union of
   * the granted and challenged scopes (MCP authorization, "Scope Challenge Handling").
   */
  fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    fetchResource(this.#resource, input, init)

  /**
   * Clears the tokens, then revokes the refresh token and the access token (RFC 7009 §2) when
   * the AS has a revocation endpoint, whatever it answers. An AS that answered
   * `unsupported_token_type` for an access token (§2.2.1) is not asked again for 30 days.
   * When the storage refuses the clear, the status is `disconnected` with a `storage_failed`
   * error: signed out here and revoked, but not saved (the next `disconnect()` tries again).
   */
  disconnect = async (): Promise<McpServerSnapshot> => {
    const [tokens, error] = await this.#session.clear()
    if (this.#stepUps) this.#stepUps.pending = undefined
    this.#update('disconnected', { error, scopes: [], revocation: undefined })
    if (!tokens) return this.getSnapshot()
    // A static token has no authorization server, and with its metadata gone from storage
    // nothing can be revoked: the tokens are cleared all the same.
    const as = tokens.issuer && (await knownIssuer(this.#ctx, tokens.issuer, this.reportCorrupt))
    const client = as ? await clientForTokens(this.#ctx, tokens, as, this.reportCorrupt) : undefined
    const revocation = await this.#revoke(tokens, client, as || undefined)
    // An authorization started meanwhile owns the snapshot; the report is only for this one.
    if (this.getSnapshot().status !== 'disconnected') return this.getSnapshot()
    return this.#update('disconnected', { revocation })
  }

  /**
   * Revokes tokens (RFC 7009) with the code of a chunk of its own, loaded when a disconnect
   * needs it; when it cannot load (offline), nothing could reach the server either.
   */
  #revoke(
    tokens: TokenRecord,
    client: ClientRecord | undefined,
    as: AuthorizationServer | undefined,
  ): Promise<RevocationReport> {
    return import('./revocation.js').then(
      ({ revokeTokens }) => revokeTokens(this.#ctx, this.url, tokens, client, as),
      () => ({ accessToken: 'failed' }),
    )
  }

  /**
   * Clears the last error and probes again. Like `probe()`, never rejects: the snapshot it
   * resolves with carries any failure.
   */
  retry = (): Promise<McpServerSnapshot> => {
    return this.probe()
  }

  /** @internal What `restore()` read for this server: its first use reads nothing. */
  seed(stored: StoredSession): void {
    this.#session.seed(stored)
  }
}

export type { PendingRecord }
