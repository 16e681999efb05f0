import type { AuthorizationServer } from 'oauth4webapi'
import { callbackParams } from '../authorize/callback-params.js'
import { checkAuthorizationResponse } from '../authorize/check-response.js'
import type { AuthContext } from '../contracts/context.js'
import { type ClientRecord, TOKEN_RECORD_VERSION, type TokenRecord } from '../contracts/records.js'
import { AuthorizationError } from '../errors.js'
import { followRoute, relayNeeded } from '../routing/follow-route.js'
import { exchangeAuthorizationCode } from '../tokens/code-exchange.js'
import { traced } from '../tracing.js'
import { storeIssuer } from './issuer-record.js'

// What finishing an authorization takes, once its callback is back: a chunk of its own
// (`loadExchange()`), loaded while the user is at the authorization server.

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
