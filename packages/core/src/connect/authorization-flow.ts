import type { AuthorizationServer } from 'oauth4webapi'
import { callbackParams } from '../authorize/callback-params.js'
import { checkAuthorizationResponse } from '../authorize/check-response.js'
import { type AuthorizationRequest, createAuthorizationRequest } from '../authorize/request.js'
import { selectScopes } from '../authorize/scopes.js'
import type { AuthorizeOptions } from '../contracts/authorize.js'
import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import type { DriverSession } from '../contracts/driver.js'
import { type ClientRecord, TOKEN_RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import type { PopupState } from '../contracts/snapshot.js'
import { AuthorizationError } from '../errors.js'
import { followRoute, relayNeeded } from '../routing/follow-route.js'
import { keys } from '../storage/records.js'
import { exchangeAuthorizationCode } from '../tokens/code-exchange.js'
import { traced } from '../tracing.js'
import type { ClientIdentity } from './client-identity.js'
import { storeIssuer } from './issuer-record.js'

/** A prepared authorization request, its pending record already stored. */
export interface PreparedAuthorization {
  client: ClientRecord
  request: AuthorizationRequest
}

/**
 * Chooses scopes and a client, builds the authorization request (OAuth 2.1 §4.1.1) and stores
 * its pending record, keyed by `state`. `undefined` when no client identity can be had.
 */
export async function prepareAuthorization(input: {
  ctx: AuthContext
  server: string
  discovery: Discovery
  clients: ClientIdentity
  options: AuthorizeOptions
  challengeScope: string | undefined
  /** The token generation when the flow started; see `TokenSession.commit`. */
  generation: number
  /** On step-up: the scopes to ask for, and those granted before (SEP-2350). */
  stepUp: { scopes: readonly string[]; granted: readonly string[] } | undefined
}): Promise<PreparedAuthorization | undefined> {
  const { ctx, discovery, options, stepUp } = input
  const scopes = selectScopes({
    explicit: options.scope,
    challenged: stepUp ? stepUp.scopes.join(' ') : input.challengeScope,
    resourceSupported: discovery.prm?.scopes_supported,
    serverSupported: discovery.as.scopes_supported,
    previous: stepUp?.granted,
  })
  // Register for every scope the resource and the AS list, not only today's: a client
  // registered with a narrow `scope` could never step up without a new registration, and
  // servers such as oidc-provider refuse scopes a client did not register (RFC 7591 §2).
  const registrationScopes = new Set([
    ...(discovery.prm?.scopes_supported ?? []),
    ...(discovery.as.scopes_supported ?? []),
    ...scopes,
  ])
  const { as, resource } = discovery
  const client = traced(ctx, input.server, 'client', (f) =>
    input.clients.resolve(discovery, true, [...registrationScopes].join(' ') || undefined, f),
  )
  // DPoP and the routes of the code (see `routing/plan.ts`), decided before the URL while the
  // client is resolved; with neither DPoP nor a relay, nothing needs deciding or loading.
  const dpop = await ctx.dpop(
    as,
    discovery.prm?.dpop_bound_access_tokens_required ? 'DPoP' : undefined,
  )
  const planned =
    dpop || ctx.routes || ctx.preRegistered[as.issuer]?.secretAtRelay
      ? import('../routing/index.js').then(({ planAuthorization }) =>
          planAuthorization({ ctx, server: input.server, discovery, dpop, client }),
        )
      : undefined
  const [resolved, plan] = await Promise.all([client, planned])
  if (!resolved) return undefined
  const request = await createAuthorizationRequest({
    as,
    client: resolved,
    redirectUri: ctx.redirectUri,
    resource,
    scopes,
    returnTo: options.returnTo ?? (typeof location === 'undefined' ? undefined : location.href),
    dpopJkt: plan?.dpopJkt,
  })
  if (plan) request.pending.route = plan.route
  request.pending.server = input.server
  request.pending.generation = input.generation
  await ctx.storage.set(keys.pending(request.pending.state), request.pending)
  return { client: resolved, request }
}

/** What an exchanged callback yields: the record to store, and what the flow started with. */
export interface ExchangedCallback {
  record: TokenRecord
  client: ClientRecord
  /** The metadata of the authorization server that issued the tokens. */
  as: AuthorizationServer
  generation: number | undefined
}

/**
 * Finishes a flow from its callback URL: consumes the pending record for the response's
 * `state` (so a callback works once), checks `iss`, `state` and `error` in that order (RFC 9207
 * §2.4, RFC 6749 §4.1.2), then exchanges the code. Resolves with the token record to store;
 * the metadata of its issuer is stored first, once, on its own (the record refers to it).
 */
export async function exchangeCallback(
  ctx: AuthContext,
  callbackUrl: string,
  expectedState: string | undefined,
  resourceName: string | undefined,
): Promise<ExchangedCallback> {
  const params = callbackParams(callbackUrl)
  // Stryker disable next-line StringLiteral: no flow is stored under a made-up state either
  const state = expectedState ?? params.get('state') ?? ''
  const pending = await ctx.takePending(state)
  if (!pending) {
    throw new AuthorizationError(
      'callback_replayed',
      'No authorization is waiting for this callback (already used, expired or unknown)',
    )
  }
  if (pending.expiresAt < Date.now()) {
    throw new AuthorizationError('timeout', 'The authorization took too long; start again')
  }
  checkAuthorizationResponse(params, {
    issuer: pending.issuer,
    state: pending.state,
    as: pending.as,
  })
  const { as, resource, route } = pending
  // Sent straight, a code meant for the relay would be spent for nothing.
  if (!followRoute(ctx, pending)) throw relayNeeded()
  // Proofs as decided before the URL was built; a flow with no route had nothing to decide.
  const proofs =
    route && route.dpop !== 'off'
      ? (await ctx.dpop(as, 'DPoP'))?.forAuthorization(as, resource, route.dpop)
      : undefined
  const issued = await traced(ctx, pending.server ?? resource, 'token', async (f) =>
    exchangeAuthorizationCode({
      fetch: f,
      as,
      client: pending.client,
      params,
      redirectUri: pending.redirectUri,
      codeVerifier: pending.codeVerifier,
      resource,
      requestedScopes: pending.scopes,
      proofs,
    }),
  )
  const record: TokenRecord = {
    v: TOKEN_RECORD_VERSION,
    resource,
    ...issued,
    issuer: pending.issuer,
    clientId: pending.client.clientId,
    client: pending.client,
    registration: pending.client.kind,
    ...(resourceName ? { resourceName } : {}),
    ...(route && { route }),
    // A key the storage could not keep: the tokens bound to it end with the page.
    ...((await proofs?.persistence()) === 'memory' && { dpopKey: 'memory' as const }),
  }
  await storeIssuer(ctx, as)
  return { record, client: pending.client, as, generation: pending.generation }
}

/**
 * Sends the user to the authorization URL and waits for the callback URL. A failed, cancelled
 * or superseded flow must not leave its verifier behind: its pending record is deleted.
 */
export async function navigate(
  ctx: AuthContext,
  session: DriverSession,
  request: AuthorizationRequest,
  signal: AbortSignal,
  onPopup?: (state: PopupState) => void,
): Promise<string> {
  const { state } = request.pending
  let callbackUrl: string
  try {
    callbackUrl = await traced(
      ctx,
      request.pending.server!,
      'window',
      () =>
        session.navigate({
          url: request.url,
          redirectUri: ctx.redirectUri,
          state,
          signal,
          ...(onPopup ? { onPopup } : {}),
        }),
      request.url,
    )
  } catch (error) {
    await ctx.storage.delete(keys.pending(state))
    throw error
  }
  if (signal.aborted) {
    await ctx.storage.delete(keys.pending(state))
    throw new AuthorizationError('cancelled', 'The authorization was cancelled')
  }
  return callbackUrl
}
