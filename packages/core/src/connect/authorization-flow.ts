import { type AuthorizationRequest, createAuthorizationRequest } from '../authorize/request.js'
import { selectScopes } from '../authorize/scopes.js'
import type { AuthorizeOptions } from '../contracts/authorize.js'
import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import type { DriverSession } from '../contracts/driver.js'
import type { ClientRecord } from '../contracts/records.js'
import type { PopupState } from '../contracts/snapshot.js'
import { AuthorizationError } from '../errors.js'
import { keys } from '../storage/records.js'
import { traced } from '../tracing.js'
import type { ClientIdentity } from './client-identity.js'

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
