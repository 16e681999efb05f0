import type { AuthContext } from '../contracts/context.js'
import type { DpopBinding } from '../contracts/dpop.js'
import type { McpServerStatus, Patch } from '../contracts/snapshot.js'
import { McpAuthError, TokenError } from '../errors.js'
import { discard } from '../http/fetch-json.js'
import { isRedirect, redirected } from '../http/redirects.js'
import { transportError } from '../http/transport-error.js'
import { isWithinResource } from '../http/urls.js'
import { splitScopes, tokenChallenge } from '../http/www-authenticate.js'
import { traced } from '../tracing.js'
import type { DiscoveryCache } from './discovery-cache.js'
import { operationKey } from './operation.js'
import type { StepUp } from './step-up.js'
import type { TokenSession } from './token-session.js'

/** What a resource request needs from its handle. */
export interface ResourceFetchHost {
  readonly ctx: AuthContext
  readonly url: string
  readonly session: TokenSession
  readonly discovery: DiscoveryCache
  readonly stepUp: StepUp
  status(): McpServerStatus
  /** The snapshot's last error. */
  error(): McpAuthError | undefined
  update(status: McpServerStatus, patch?: Patch): void
}

/** Transport failures this module reported, cleared by the next answer of the server. */
const reported = new WeakSet<McpAuthError>()

/**
 * `fetch` for one server. The access token goes only to URLs of this resource (same origin,
 * path at or under it): as a bearer token (RFC 6750 §2.1), or with DPoP proofs when it is bound
 * (RFC 9449 §7.1). A request whose `Authorization` header the app set passes untouched.
 * A 401 `invalid_token` gets one refresh and one retry; any other 401 means
 * `needs-authorization`. A 403 `insufficient_scope` means `needs-step-up` with the union of
 * the granted and challenged scopes (MCP authorization, "Scope Challenge Handling"). A request
 * that fails at the network level rejects with `cors_blocked` or `network_error`, reported in
 * the snapshot; the tokens stay.
 */
export const fetchResource = (
  host: ResourceFetchHost,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> =>
  traced(host.ctx, host.url, 'fetch', () => fetchWithToken(host, input, init), [input, init])

async function fetchWithToken(
  host: ResourceFetchHost,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const { ctx, session } = host
  const request = new Request(input, init)
  if (request.headers.has('authorization')) return ctx.fetch(request)
  // Waits for a re-read another tab asked for: never the tokens it is about to replace.
  const tokens = await session.current()
  if (!tokens || !isWithinResource(request.url, tokens.resource)) {
    if (!isWithinResource(request.url, host.url)) return ctx.fetch(request)
  }
  const operation = await operationKey(request)
  const retry = request.clone()
  let token: string | undefined
  if (tokens && isWithinResource(request.url, tokens.resource)) {
    try {
      token = await session.accessToken()
    } catch (error) {
      if (error instanceof McpAuthError && error.transient) throw error
    }
  }
  // Stryker disable next-line StringLiteral: send() sets the scheme before anything reads it
  let scheme = 'bearer'
  /** Presents `current` as the stored tokens say: a refresh may have changed them. */
  const send = async (current: Request, accessToken: string | undefined) => {
    const stored = session.tokens
    const binding =
      accessToken && stored && (await ctx.dpop(undefined, stored.tokenType))?.bindingFor(stored)
    scheme = binding ? 'dpop' : 'bearer'
    return sendWithToken(ctx, current, accessToken, host.url, binding || undefined)
  }
  let response: Response
  try {
    response = await send(request, token)
    // A static token (no authorization server) has nothing to refresh with.
    // Stryker disable next-line OptionalChaining: a token is only taken when tokens are stored
    if (response.status === 401 && token && tokens?.as) {
      const challenge = tokenChallenge(response.headers.get('www-authenticate'), scheme)
      if (!challenge || challenge.params.error === 'invalid_token') {
        let fresh: string | undefined
        try {
          fresh = await session.refresh(token, challenge ? 'invalid_token' : 'unauthorized')
          // Stryker disable next-line BlockStatement: fresh is still undefined when the refresh fails
        } catch {
          fresh = undefined
        }
        if (fresh) {
          discard(response)
          response = await send(retry, fresh)
        }
      }
    }
  } catch (cause) {
    if (cause instanceof McpAuthError || request.signal.aborted) throw cause
    const proof = scheme === 'dpop' ? ['dpop'] : []
    const error = await transportError(ctx.fetch, request.url, 'MCP', cause, proof)
    reported.add(error)
    host.update(host.status(), { error })
    throw error
  }
  observe(host, response, operation, scheme)
  return response
}

/** Updates the status from a response of this server. */
function observe(
  host: ResourceFetchHost,
  response: Response,
  operation: string,
  scheme: string,
): void {
  const challenge = tokenChallenge(response.headers.get('www-authenticate'), scheme)
  // Still asking for a nonce after the one retry (RFC 9449 §9): the tokens are not at fault.
  if (challenge?.params.error === 'use_dpop_nonce') return
  if (response.status === 401) {
    const tokens = host.session.tokens
    const tokenOnly = tokens ? !tokens.as : host.discovery.tokenOnly
    if (tokenOnly && !challenge?.params.resource_metadata) {
      // A token-only server asks for a token, never for OAuth: for another one if it refused
      // the one it was given.
      host.update(
        'needs-token',
        tokens
          ? { error: new TokenError('invalid_token', `${host.url} refused the token it was given`) }
          : {},
      )
      return
    }
    host.discovery.refused(challenge)
    host.update('needs-authorization')
    return
  }
  if (response.status === 403 && challenge?.params.error === 'insufficient_scope') {
    const granted = host.session.tokens?.scopes ?? []
    host.stepUp.refused(operation, [
      ...new Set([...granted, ...splitScopes(challenge.params.scope)]),
    ])
    host.update('needs-step-up')
    return
  }
  if (response.ok) {
    host.stepUp.succeeded(operation)
    const status = host.status()
    const error = host.error()
    if (status !== 'authorized' && host.session.tokens)
      host.update('authorized', { error: undefined })
    else if (status === 'unknown' || status === 'probing') host.update('open')
    else if (error && reported.has(error)) host.update(status, { error: undefined })
  }
}

/** Redirects followed inside the resource before giving up (WHATWG Fetch allows 20). */
const MAX_REDIRECTS = 5

/**
 * Sends `request` with the token, following redirects only inside the resource. The platform
 * would follow them itself and keep the `Authorization` header on the same origin, even
 * outside the resource's path (WHATWG Fetch, "HTTP-redirect fetch"), so every token request
 * goes out with `redirect: 'manual'`. A redirect whose target is readable and within the
 * resource is followed here, as fetch would (RFC 9110 §15.4), with a fresh proof for a bound
 * token (RFC 9449 §4.2: `htu` names each hop); any other one, including the opaque redirect a
 * browser returns, is refused with `redirect_refused` and the token stays.
 */
async function sendWithToken(
  ctx: AuthContext,
  request: Request,
  token: string | undefined,
  resource: string,
  binding: DpopBinding | undefined,
): Promise<Response> {
  if (!token) return ctx.fetch(request)
  let current = request
  for (let hops = 0; ; hops++) {
    const spare = current.clone()
    const headers = new Headers(current.headers)
    // Stryker disable next-line ConditionalExpression: a binding sets its own DPoP Authorization header over any other
    if (!binding) headers.set('authorization', `Bearer ${token}`)
    const outgoing = new Request(current, { headers, redirect: 'manual' })
    const response = await (binding
      ? binding.resourceFetch(outgoing, token, ctx.fetch)
      : ctx.fetch(outgoing))
    const location = response.headers.get('location')
    const opaque = response.type === 'opaqueredirect'
    if (!opaque && !(isRedirect(response.status) && location)) return response
    discard(response)
    const target = location ? new URL(location, current.url).href : undefined
    if (!target || !isWithinResource(target, resource) || hops >= MAX_REDIRECTS) {
      throw new TokenError(
        'redirect_refused',
        `Refused to follow a redirect from ${current.url} to ${target ?? 'an unreadable location'} with the access token: it leaves ${resource}`,
        { details: { from: current.url, to: target, status: response.status } },
      )
    }
    current = await redirected(spare, target, response.status)
  }
}
