import type { AuthorizationServer } from 'oauth4webapi'
import { callbackParams, checkAuthorizationResponse } from '../authorize/callback-params.js'
import { createAuthorizationRequest } from '../authorize/request.js'
import { selectScopes } from '../authorize/scopes.js'
import {
  discoverAuthorizationServer,
  discoverLegacyAuthorizationServer,
} from '../discovery/authorization-server.js'
import { probeServer } from '../discovery/probe.js'
import {
  discoverProtectedResource,
  type ProtectedResourceMetadata,
} from '../discovery/protected-resource.js'
import {
  AuthorizationError,
  ConfigurationError,
  McpAuthError,
  RegistrationError,
} from '../errors.js'
import { discard } from '../http/fetch-json.js'
import { isWithinResource } from '../http/urls.js'
import { type AuthChallenge, bearerChallenge, splitScopes } from '../http/www-authenticate.js'
import {
  manualClient,
  metadataDocumentClient,
  registerDynamicClient,
} from '../registration/register.js'
import {
  type ClientRecord,
  keys,
  type PendingRecord,
  RECORD_VERSION,
  readRecord,
  type TokenRecord,
} from '../storage/records.js'
import { SingleFlight, withCrossTabLock } from '../tokens/refresh-lock.js'
import {
  exchangeAuthorizationCode,
  refreshAccessToken,
  revokeToken,
} from '../tokens/token-endpoint.js'
import type {
  AuthorizeOptions,
  McpServerSnapshot,
  McpServerStatus,
  PreRegisteredClient,
} from '../types.js'
import type { AuthContext, DriverSession } from './context.js'
import { operationKey } from './operation.js'
import { SnapshotStore } from './snapshot-store.js'

/** What discovery found for an OAuth-protected server. */
interface Discovery {
  prm: ProtectedResourceMetadata | undefined
  as: AuthorizationServer
  /** The resource identifier to send: exactly the PRM's `resource`, or the server URI. */
  resource: string
}

type Patch = Partial<Omit<McpServerSnapshot, 'resource' | 'storage' | 'error'>> & {
  error?: McpAuthError | undefined
}

/**
 * The handle for one MCP server (one canonical resource URI). It is the observable the bindings
 * read, and it runs each protocol step in order: probe, discovery, registration, authorization,
 * token exchange, refresh, and revocation.
 */
export class McpServerHandle {
  /** The canonical resource URI of the server, as given to `auth.server()`. */
  readonly url: string
  readonly #ctx: AuthContext
  readonly #store: SnapshotStore<McpServerSnapshot>
  readonly #refreshFlight = new SingleFlight<string>()
  #discovery: Discovery | undefined
  #tokens: TokenRecord | undefined
  #loaded: Promise<void> | undefined
  #challengeScope: string | undefined
  /** Set when the server refused our token: the cached discovery must not be trusted. */
  #stale: AuthChallenge | undefined
  #stepUp: { operation: string; scopes: string[] } | undefined
  readonly #stepUpAttempts = new Map<string, number>()
  #flow: AbortController | undefined
  #manualClient: ClientRecord | undefined

  constructor(ctx: AuthContext, url: string) {
    this.#ctx = ctx
    this.url = url
    this.#store = new SnapshotStore<McpServerSnapshot>({
      resource: url,
      status: 'unknown',
      scopes: [],
      storage: ctx.storage.kind,
    })
  }

  /** Listens to snapshot changes; calls `listener` at once (Svelte store contract). */
  subscribe = (listener: (snapshot: McpServerSnapshot) => void): (() => void) =>
    this.#store.subscribe(listener)

  /** The current snapshot. Stable between changes, so it suits `useSyncExternalStore`. */
  getSnapshot = (): McpServerSnapshot => this.#store.get()

  #update(status: McpServerStatus, patch: Patch = {}): McpServerSnapshot {
    const prev = this.#store.get()
    const tokens = this.#tokens
    const next: McpServerSnapshot = {
      resource: this.url,
      status,
      storage: this.#ctx.storage.kind,
      scopes: patch.scopes ?? tokens?.scopes ?? prev.scopes,
    }
    const assign = <K extends keyof McpServerSnapshot>(
      key: K,
      value: McpServerSnapshot[K] | undefined,
    ) => {
      if (value !== undefined) (next as { [P in K]: McpServerSnapshot[P] })[key] = value
    }
    assign(
      'resourceName',
      patch.resourceName ??
        this.#discovery?.prm?.resource_name ??
        tokens?.resourceName ??
        prev.resourceName,
    )
    assign('issuer', patch.issuer ?? this.#discovery?.as.issuer ?? tokens?.issuer ?? prev.issuer)
    assign('registration', patch.registration ?? tokens?.registration ?? prev.registration)
    assign('expiresAt', tokens?.expiresAt)
    if (status === 'needs-step-up') assign('stepUpScopes', this.#stepUp?.scopes)
    // The last error stays until an operation clears it (a corrupt record found while probing
    // must survive the probe's own status changes).
    assign('error', 'error' in patch ? patch.error : prev.error)
    this.#store.set(next)
    return next
  }

  #fail(error: unknown, status: McpServerStatus = 'error'): never {
    const err =
      error instanceof McpAuthError
        ? error
        : new McpAuthError(
            'unexpected_response',
            error instanceof Error ? error.message : String(error),
            { cause: error },
          )
    this.#update(err.transient && this.#tokens ? 'authorized' : status, { error: err })
    throw err
  }

  /** Loads stored tokens once; a corrupt record is reported in the snapshot and ignored. */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      this.#tokens = await this.#readTokens()
    })()
    return this.#loaded
  }

  #readTokens(): Promise<TokenRecord | undefined> {
    return readRecord<TokenRecord>(this.#ctx.storage, keys.tokens(this.url), 'tokens', (key) =>
      this.#ctx.reportCorrupt(this, key),
    )
  }

  /** @internal Called by the auth instance when a stored record is unreadable. */
  reportCorrupt(key: string): void {
    this.#update(this.getSnapshot().status, {
      error: new McpAuthError(
        'storage_corrupt',
        `Ignored an unreadable stored record (${key.split(':')[0]})`,
      ),
    })
  }

  async #saveTokens(record: TokenRecord | undefined): Promise<void> {
    this.#tokens = record
    if (record) await this.#ctx.storage.set(keys.tokens(this.url), record)
    else await this.#ctx.storage.delete(keys.tokens(this.url))
  }

  /**
   * Finds out what the server needs, without user interaction: stored tokens → `authorized`;
   * otherwise an unauthenticated request, then discovery and client resolution →
   * `open`, `needs-authorization`, `needs-client-id`, `needs-token` or `error`.
   */
  async probe(): Promise<McpServerSnapshot> {
    this.#update('probing', { error: undefined })
    try {
      await this.#load()
      if (this.#tokens) return this.#update('authorized')
      const result = await probeServer(this.#ctx.fetch, this.url, this.#ctx.protocolVersion)
      if (result.kind === 'open') return this.#update('open')
      const challenge = result.challenge
      if (challenge?.params.scope) this.#challengeScope = challenge.params.scope
      const discovery = await this.#discover(challenge, true)
      if (!discovery) return this.#update('needs-token')
      return await this.#readyToAuthorize(discovery)
    } catch (error) {
      return this.#fail(error)
    }
  }

  /** `needs-authorization` when a client identity is at hand, else `needs-client-id`. */
  async #readyToAuthorize(discovery: Discovery): Promise<McpServerSnapshot> {
    const client = await this.#resolveClient(discovery, false)
    if (!client) return this.#update('needs-client-id')
    return this.#update('needs-authorization', { registration: client.kind })
  }

  /**
   * Protected resource metadata, then AS metadata (MCP authorization, "Authorization Server
   * Discovery"). Without any PRM, the 2025-03-26 fallback to AS metadata at the server's origin
   * applies. Returns `undefined` for a server that publishes no OAuth metadata at all.
   */
  async #discover(
    challenge: AuthChallenge | undefined,
    fresh: boolean,
  ): Promise<Discovery | undefined> {
    if (this.#stale) {
      challenge ??= this.#stale
      fresh = true
      this.#stale = undefined
    }
    if (this.#discovery && !fresh) return this.#discovery
    const headers = { 'mcp-protocol-version': this.#ctx.protocolVersion }
    const prm = await discoverProtectedResource(
      this.#ctx.fetch,
      this.url,
      challenge?.params.resource_metadata,
      headers,
    )
    let as: AuthorizationServer | undefined
    if (prm) {
      const previous = this.#discovery?.as.issuer
      const issuer =
        prm.authorization_servers.find((candidate) => candidate === previous) ??
        prm.authorization_servers[0]!
      as = await discoverAuthorizationServer(this.#ctx.fetch, issuer, {}, this.#ctx.issuerHints)
    } else {
      as = await discoverLegacyAuthorizationServer(
        this.#ctx.fetch,
        this.url,
        headers,
        this.#ctx.legacyEndpointFallback,
      )
      if (!as) return undefined
    }
    this.#discovery = { prm, as, resource: prm?.resource ?? this.url }
    return this.#discovery
  }

  /**
   * A client identity for the discovered issuer, in the order MCP authorization recommends
   * (2025-11-25, "Client Registration Approaches"): pre-registered credentials for this exact
   * issuer, then one the user typed or an earlier registration (both keyed by issuer, never
   * reused with another AS), then a client ID metadata document, then dynamic registration.
   */
  async #resolveClient(
    discovery: Discovery,
    register: boolean,
    scope?: string,
  ): Promise<ClientRecord | undefined> {
    const { as } = discovery
    const redirectUri = this.#ctx.redirectUri
    const pre = this.#ctx.preRegistered[as.issuer]
    if (pre) return manualClient(as, redirectUri, pre, 'pre-registered')
    if (this.#manualClient?.issuer === as.issuer) return this.#manualClient
    const stored = await readRecord<ClientRecord>(
      this.#ctx.storage,
      keys.client(as.issuer, redirectUri),
      'client',
      (key) => this.reportCorrupt(key),
    )
    // A registration whose scope does not cover this request registers again for the union:
    // some servers refuse any scope a client did not register (RFC 7591 §2, `scope`).
    const wanted = splitScopes(scope)
    const covered = (record: ClientRecord) =>
      !register ||
      record.scope === undefined ||
      wanted.every((s) => splitScopes(record.scope).includes(s))
    if (stored && stored.issuer === as.issuer && covered(stored)) return stored
    if (stored?.scope) scope = [...new Set([...splitScopes(stored.scope), ...wanted])].join(' ')
    const cimd = metadataDocumentClient(as, redirectUri, this.#ctx.clientMetadata?.metadataUrl)
    if (cimd) return cimd
    if (!as.registration_endpoint) return undefined
    if (!register) {
      // Registration happens when the user authorizes; report the kind it will be.
      return {
        v: RECORD_VERSION,
        issuer: as.issuer,
        redirectUri,
        clientId: '',
        tokenEndpointAuthMethod: 'none',
        kind: 'dynamic',
      }
    }
    const client = await registerDynamicClient(
      this.#ctx.fetch,
      as,
      redirectUri,
      this.#ctx.clientMetadata,
      scope,
    )
    await this.#ctx.storage.set(keys.client(as.issuer, redirectUri), client)
    return client
  }

  /**
   * Supplies a client ID (and optional secret) for the discovered authorization server when it
   * offers no registration (`needs-client-id`). An empty or blank ID is refused.
   */
  async submitClientId(credentials: PreRegisteredClient): Promise<McpServerSnapshot> {
    const discovery = this.#discovery ?? (await this.#discover(undefined, false))
    if (!discovery) {
      throw new ConfigurationError('invalid_configuration', 'This server does not use OAuth')
    }
    const client = manualClient(discovery.as, this.#ctx.redirectUri, credentials, 'manual')
    this.#manualClient = client
    await this.#ctx.storage.set(keys.client(client.issuer, client.redirectUri), client)
    return this.#update('needs-authorization', { registration: 'manual', error: undefined })
  }

  /** Stores a static bearer token for a token-only server (`needs-token`). */
  async submitToken(token: string): Promise<McpServerSnapshot> {
    if (typeof token !== 'string' || token.trim() === '' || /\s/.test(token.trim())) {
      throw new ConfigurationError(
        'invalid_configuration',
        'A token must be a non-empty string without spaces',
      )
    }
    await this.#saveTokens({
      v: RECORD_VERSION,
      resource: this.url,
      accessToken: token.trim(),
      scopes: [],
    })
    return this.#update('authorized', { error: undefined })
  }

  /**
   * Runs the authorization code flow with PKCE (OAuth 2.1 §4.1) through the driver. In a browser
   * call it inside the user's click: the driver opens its window before the first `await`.
   * Resolves with the `authorized` snapshot; rejects with a typed error (and reports it in the
   * snapshot) when the user cancels or denies, or anything fails.
   */
  authorize(options: AuthorizeOptions = {}): Promise<McpServerSnapshot> {
    let session: DriverSession | undefined
    try {
      this.#checkStepUpBudget()
      session = this.#ctx.beginAuthorization(options)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.#authorize(options, session)
  }

  #checkStepUpBudget(): void {
    if (this.getSnapshot().status !== 'needs-step-up' || !this.#stepUp) return
    const attempts = this.#stepUpAttempts.get(this.#stepUp.operation) ?? 0
    if (attempts >= this.#ctx.maxStepUpAttempts) {
      const error = new AuthorizationError(
        'step_up_limit',
        `Gave up after ${attempts} authorization attempts for the same operation`,
        { details: { operation: this.#stepUp.operation, attempts } },
      )
      this.#update('error', { error })
      throw error
    }
    this.#stepUpAttempts.set(this.#stepUp.operation, attempts + 1)
  }

  async #authorize(options: AuthorizeOptions, session: DriverSession): Promise<McpServerSnapshot> {
    this.#flow?.abort()
    const flow = new AbortController()
    this.#flow = flow
    const stepUp = this.getSnapshot().status === 'needs-step-up' ? this.#stepUp : undefined
    try {
      const discovery = await this.#discover(undefined, false)
      if (!discovery) {
        throw new ConfigurationError(
          'invalid_configuration',
          'This server publishes no OAuth metadata; it needs a static token',
        )
      }
      const scopes = selectScopes({
        explicit: options.scope,
        challenged: stepUp ? stepUp.scopes.join(' ') : this.#challengeScope,
        resourceSupported: discovery.prm?.scopes_supported,
        serverSupported: discovery.as.scopes_supported,
        previous: stepUp ? (this.#tokens?.scopes ?? []) : undefined,
      })
      // Register for every scope the resource offers, not only today's: a client registered
      // with a narrow `scope` could never step up (RFC 7591 §2, `scope`).
      const registrationScopes = new Set([...(discovery.prm?.scopes_supported ?? []), ...scopes])
      const client = await this.#resolveClient(
        discovery,
        true,
        [...registrationScopes].join(' ') || undefined,
      )
      if (!client) {
        this.#update('needs-client-id')
        throw new RegistrationError(
          'client_id_required',
          'This authorization server offers no registration: a client ID is needed',
        )
      }
      const request = await createAuthorizationRequest({
        as: discovery.as,
        client,
        redirectUri: this.#ctx.redirectUri,
        resource: discovery.resource,
        scopes,
        returnTo: options.returnTo ?? (typeof location === 'undefined' ? undefined : location.href),
      })
      request.pending.server = this.url
      await this.#ctx.storage.set(keys.pending(request.pending.state), request.pending)
      this.#update('authorizing', { registration: client.kind, error: undefined })
      let callbackUrl: string
      try {
        callbackUrl = await session.navigate({
          url: request.url,
          redirectUri: this.#ctx.redirectUri,
          state: request.pending.state,
          signal: flow.signal,
        })
      } catch (error) {
        await this.#ctx.storage.delete(keys.pending(request.pending.state))
        throw error
      }
      if (flow.signal.aborted) {
        // A superseded or cancelled flow must not leave its verifier behind.
        await this.#ctx.storage.delete(keys.pending(request.pending.state))
        throw new AuthorizationError('cancelled', 'The authorization was cancelled')
      }
      return await this.completeCallback(callbackUrl, request.pending.state)
    } catch (error) {
      // A newer authorize() aborted this one: that flow owns the snapshot now.
      if (this.#flow !== flow) throw error
      const reason =
        flow.signal.aborted && !(error instanceof McpAuthError)
          ? new AuthorizationError('cancelled', 'The authorization was cancelled', { cause: error })
          : error
      const code = reason instanceof McpAuthError ? reason.code : undefined
      const status =
        code === 'access_denied' || code === 'cancelled'
          ? 'cancelled'
          : this.getSnapshot().status === 'needs-client-id'
            ? 'needs-client-id'
            : 'error'
      return this.#fail(reason, status)
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
  async completeCallback(callbackUrl: string, expectedState?: string): Promise<McpServerSnapshot> {
    const params = callbackParams(callbackUrl)
    const state = expectedState ?? params.get('state') ?? ''
    const pending = await this.#ctx.takePending(state)
    if (!pending) {
      throw new AuthorizationError(
        'callback_replayed',
        'No authorization is waiting for this callback (already used, expired or unknown)',
      )
    }
    if (pending.expiresAt < Date.now()) {
      throw new AuthorizationError('timeout', 'The authorization took too long; start again')
    }
    const code = checkAuthorizationResponse(params, {
      issuer: pending.issuer,
      state: pending.state,
      as: pending.as,
    })
    void code
    const issued = await exchangeAuthorizationCode({
      fetch: this.#ctx.fetch,
      as: pending.as,
      client: pending.client,
      params,
      redirectUri: pending.redirectUri,
      codeVerifier: pending.codeVerifier,
      resource: pending.resource,
      requestedScopes: pending.scopes,
    })
    const resourceName = this.#discovery?.prm?.resource_name
    await this.#saveTokens({
      v: RECORD_VERSION,
      resource: pending.resource,
      ...issued,
      issuer: pending.issuer,
      clientId: pending.client.clientId,
      as: pending.as,
      registration: pending.client.kind,
      ...(resourceName ? { resourceName } : {}),
    })
    this.#stepUp = undefined
    return this.#update('authorized', { error: undefined })
  }

  /** Stops a flow in progress; the snapshot becomes `cancelled`. */
  cancel(): void {
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
  async getAccessToken(): Promise<string> {
    await this.#load()
    const tokens = this.#tokens
    if (!tokens) throw new AuthorizationError('not_authorized', 'This server is not authorized')
    if (!this.#expiring(tokens)) return tokens.accessToken
    return this.#refresh(tokens.accessToken)
  }

  #expiring(tokens: TokenRecord): boolean {
    return (
      tokens.expiresAt !== undefined && tokens.expiresAt - this.#ctx.refreshSkewMs <= Date.now()
    )
  }

  /** Refreshes unless someone already replaced `staleAccessToken`; resolves to a usable token. */
  #refresh(staleAccessToken: string): Promise<string> {
    return this.#refreshFlight.run(this.url, () =>
      withCrossTabLock(`mcp-oauth:refresh:${this.url}`, async () => {
        const current = await this.#readTokens()
        this.#tokens = current
        if (!current) {
          this.#update('needs-authorization')
          throw new AuthorizationError('not_authorized', 'The authorization was removed')
        }
        if (current.accessToken !== staleAccessToken && !this.#expiring(current)) {
          this.#update('authorized')
          return current.accessToken
        }
        if (!current.refreshToken || !current.as || !current.clientId) {
          await this.#saveTokens(undefined)
          this.#update('needs-authorization')
          throw new AuthorizationError(
            'not_authorized',
            'The access token expired and there is no refresh token',
          )
        }
        this.#update('refreshing')
        const client = await this.#clientForTokens(current)
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
          await this.#saveTokens(next)
          this.#update('authorized', { error: undefined })
          return next.accessToken
        } catch (error) {
          if (error instanceof McpAuthError && error.code === 'invalid_grant') {
            await this.#saveTokens(undefined)
            this.#update('needs-authorization', { error })
            throw error
          }
          // Transient: keep the tokens, report, let the caller retry later.
          return this.#fail(error, 'authorized')
        }
      }),
    )
  }

  async #clientForTokens(tokens: TokenRecord): Promise<ClientRecord> {
    const issuer = tokens.issuer!
    const pre = this.#ctx.preRegistered[issuer]
    if (pre) return manualClient(tokens.as!, this.#ctx.redirectUri, pre, 'pre-registered')
    const stored = await readRecord<ClientRecord>(
      this.#ctx.storage,
      keys.client(issuer, this.#ctx.redirectUri),
      'client',
      (key) => this.reportCorrupt(key),
    )
    if (stored && stored.clientId === tokens.clientId) return stored
    return {
      v: RECORD_VERSION,
      issuer,
      redirectUri: this.#ctx.redirectUri,
      clientId: tokens.clientId!,
      tokenEndpointAuthMethod: 'none',
      kind: tokens.registration ?? 'dynamic',
    }
  }

  /**
   * `fetch` for this server. The bearer token goes only to URLs of this resource (same origin,
   * path at or under it); a request whose `Authorization` header the app set passes untouched.
   * A 401 `invalid_token` gets one refresh and one retry; any other 401 means
   * `needs-authorization`. A 403 `insufficient_scope` means `needs-step-up` with the union of
   * the granted and challenged scopes (MCP authorization, "Scope Challenge Handling").
   */
  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init)
    if (request.headers.has('authorization')) return this.#ctx.fetch(request)
    await this.#load()
    const tokens = this.#tokens
    if (!tokens || !isWithinResource(request.url, tokens.resource)) {
      if (!isWithinResource(request.url, this.url)) return this.#ctx.fetch(request)
    }
    const operation = await operationKey(request)
    const retry = request.clone()
    let token: string | undefined
    if (tokens && isWithinResource(request.url, tokens.resource)) {
      try {
        token = await this.getAccessToken()
      } catch (error) {
        if (error instanceof McpAuthError && error.transient) throw error
      }
    }
    let response = await this.#ctx.fetch(withBearer(request, token))
    if (response.status === 401 && token) {
      const challenge = bearerChallenge(response.headers.get('www-authenticate'))
      if (!challenge || challenge.params.error === 'invalid_token') {
        let fresh: string | undefined
        try {
          fresh = await this.#refresh(token)
        } catch {
          fresh = undefined
        }
        if (fresh) {
          discard(response)
          response = await this.#ctx.fetch(withBearer(retry, fresh))
        }
      }
    }
    this.#observe(response, operation)
    return response
  }

  /** Updates the status from a response of this server. */
  #observe(response: Response, operation: string): void {
    const challenge = bearerChallenge(response.headers.get('www-authenticate'))
    if (response.status === 401) {
      if (challenge?.params.scope) this.#challengeScope = challenge.params.scope
      // The server refused a token it used to accept: its metadata may have changed (a new
      // authorization server, SEP-2352), so the next authorization discovers again.
      this.#stale = challenge ?? { scheme: 'bearer', params: {} }
      this.#update('needs-authorization')
      return
    }
    if (response.status === 403 && challenge?.params.error === 'insufficient_scope') {
      const granted = this.#tokens?.scopes ?? []
      const scopes = [...new Set([...granted, ...splitScopes(challenge.params.scope)])]
      this.#stepUp = { operation, scopes }
      // The authorization behind the refused token was this operation's first attempt.
      if (!this.#stepUpAttempts.has(operation)) this.#stepUpAttempts.set(operation, 1)
      this.#update('needs-step-up')
      return
    }
    if (response.ok) {
      this.#stepUpAttempts.delete(operation)
      const status = this.getSnapshot().status
      if (status !== 'authorized' && this.#tokens) this.#update('authorized', { error: undefined })
      else if (status === 'unknown' || status === 'probing') this.#update('open')
    }
  }

  /**
   * Revokes the refresh token, then the access token (RFC 7009 §2), when the AS has a
   * revocation endpoint, then clears the tokens whatever the AS answered.
   */
  async disconnect(): Promise<McpServerSnapshot> {
    await this.#load()
    const tokens = this.#tokens
    if (tokens?.as && tokens.issuer) {
      const client = await this.#clientForTokens(tokens)
      const base = { fetch: this.#ctx.fetch, as: tokens.as, client }
      if (tokens.refreshToken)
        await revokeToken({ ...base, token: tokens.refreshToken, hint: 'refresh_token' })
      await revokeToken({ ...base, token: tokens.accessToken, hint: 'access_token' })
    }
    await this.#saveTokens(undefined)
    this.#stepUp = undefined
    return this.#update('disconnected', { error: undefined, scopes: [] })
  }

  /** Clears the last error and probes again. */
  retry(): Promise<McpServerSnapshot> {
    return this.probe()
  }
}

function withBearer(request: Request, token: string | undefined): Request {
  if (!token) return request
  const headers = new Headers(request.headers)
  headers.set('authorization', `Bearer ${token}`)
  return new Request(request, { headers })
}

export type { PendingRecord }
