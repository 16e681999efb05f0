import { lazily } from '../connect/lazily.js'
import type { AuthContext } from '../contracts/context.js'
import type { DpopBinding } from '../contracts/dpop.js'
import type { ReplayableRequest } from '../contracts/fetch.js'
import type { McpServerStatus, Patch } from '../contracts/snapshot.js'
import { McpAuthError } from '../errors.js'
import { discard } from '../http/fetch-json.js'
import { replayableCall } from '../http/plain-call.js'
import { isRedirect } from '../http/redirect-status.js'
import { transportError } from '../http/transport-error.js'
import { isWithinResource } from '../http/urls.js'
import { traced } from '../tracing.js'
import type { DiscoveryCache } from './discovery-cache.js'
import type { StepUp } from './step-up.js'
import type { TokenSession } from './token-session.js'

/** What a resource request needs from its handle. */
export interface ResourceFetchHost {
  readonly ctx: AuthContext
  readonly url: string
  readonly session: TokenSession
  readonly discovery: DiscoveryCache
  /**
   * The step-up state, made by the first refusal (`make`): most servers never have one.
   */
  stepUp(make?: () => StepUp): StepUp | undefined
  status(): McpServerStatus
  /** The snapshot's last error. */
  error(): McpAuthError | undefined
  update(status: McpServerStatus, patch?: Patch): void
}

/** What reads a call other than a plain one (`replayableCall`): loaded with the first. */
const readRequests = lazily(() => import('../http/replayable-request.js'), 'request')

/** What a 401 or 403 changes (`refused-answer.ts`): loaded with the first. */
let refusal: typeof import('./refused-answer.js') | undefined

/** The step-up budget (`step-up.ts`): loaded with the first 403. */
let budget: typeof import('./step-up.js') | undefined

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
 * the snapshot; the tokens stay. A call with a fresh token costs no storage, lock, crypto or
 * timer, and copies nothing: a retry (refresh, redirect, DPoP nonce) sends the same body again.
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
  // Nearly every call (a URL and a string body) is taken as it is; anything else is read as
  // fetch reads it.
  const request = replayableCall(input, init) ?? new Request(input, init)
  const built = !('send' in request)
  const passThrough = () => (built ? ctx.fetch(request) : ctx.fetch(input, init))
  if (request.headers.has('authorization')) return passThrough()
  // With fresh tokens in memory (nearly every call), nothing waits before fetch: it is called
  // in this turn. Else this waits for the session, and for a re-read another tab asked for:
  // never the tokens it is about to replace.
  const fresh = session.fresh()
  const tokens = fresh ?? (await session.current())
  const within = tokens && isWithinResource(request.url, tokens.resource)
  if (!within && !isWithinResource(request.url, host.url)) return passThrough()
  const outgoing = built
    ? await (await readRequests()).readReplayable(request, input, init)
    : request
  const redirect = built ? request.redirect : (init?.redirect ?? 'follow')
  let token: string | undefined
  if (within) {
    try {
      token = fresh ? fresh.accessToken : await session.accessToken()
    } catch (error) {
      if (error instanceof McpAuthError && error.transient) throw error
    }
  }
  // Stryker disable next-line StringLiteral: send() sets the scheme before anything reads it
  let scheme = 'bearer'
  /** Presents the request as the stored tokens say: a refresh may have changed them. */
  const send = async (accessToken: string | undefined) => {
    const stored = session.tokens
    const binds = accessToken && stored && ctx.dpop(undefined, stored.tokenType)
    const binding = binds && (await binds).bindingFor(stored!)
    scheme = binding ? 'dpop' : 'bearer'
    // Without a token, redirects are followed as the app asked: there is nothing to leak.
    if (!accessToken) return outgoing.send(ctx.fetch, redirect)
    return sendWithToken(ctx, outgoing, accessToken, host.url, binding || undefined)
  }
  let response: Response
  try {
    response = await send(token)
    if (response.status === 401 || response.status === 403) {
      refusal ??= await import('./refused-answer.js')
      // A static token (no authorization server) has nothing to refresh with.
      const renewed =
        // Stryker disable next-line OptionalChaining: a token is only taken when tokens are stored
        response.status === 401 && token && tokens?.issuer
          ? await refusal.retryToken(session, response, token, scheme)
          : undefined
      if (renewed) {
        discard(response)
        response = await send(renewed)
      }
      if (response.status === 403) budget ??= await import('./step-up.js')
    }
  } catch (cause) {
    if (cause instanceof McpAuthError || outgoing.signal?.aborted) throw cause
    // What fetch refuses in the app's own call (a header's name or value) is the app's error.
    if (!built) new Request(input, init)
    const proof = scheme === 'dpop' ? ['dpop'] : []
    const error = await transportError(ctx.fetch, request.url, 'MCP', cause, proof)
    reported.add(error)
    host.update(host.status(), { error })
    throw error
  }
  observe(host, response, outgoing, scheme)
  return response
}

/** Updates the status from a response of this server. */
function observe(
  host: ResourceFetchHost,
  response: Response,
  request: ReplayableRequest,
  scheme: string,
): void {
  if (response.ok) {
    // Attempts are counted only once the budget loaded, with a refusal.
    host.stepUp()?.succeeded(() => budget!.operationKey(request))
    const status = host.status()
    const error = host.error()
    if (status !== 'authorized' && host.session.tokens)
      host.update('authorized', { error: undefined })
    else if (status === 'unknown' || status === 'probing') host.update('open')
    else if (error && reported.has(error)) host.update(status, { error: undefined })
    return
  }
  // Loaded with the first 401 or 403: no other answer changes the status.
  refusal?.observeRefusal(host, response, request, scheme, budget)
}

/**
 * Sends `request` with the token, following redirects only inside the resource. The platform
 * would follow them itself and keep the `Authorization` header on the same origin, even
 * outside the resource's path (WHATWG Fetch, "HTTP-redirect fetch"), so every token request
 * goes out with `redirect: 'manual'`, and a redirect is handed to `followRedirects`, loaded
 * the first time one comes back.
 */
async function sendWithToken(
  ctx: AuthContext,
  request: ReplayableRequest,
  token: string,
  resource: string,
  binding: DpopBinding | undefined,
): Promise<Response> {
  const send = (current: ReplayableRequest) => {
    // Stryker disable next-line ConditionalExpression: a binding sets its own DPoP Authorization header over any other
    if (!binding) current.headers.set('authorization', `Bearer ${token}`)
    return binding ? binding.resourceFetch(current, token, ctx.fetch) : current.send(ctx.fetch)
  }
  const response = await send(request)
  // What may be a redirect goes to `followRedirects`, which tells for sure.
  if (response.type !== 'opaqueredirect' && !isRedirect(response.status)) return response
  const { followRedirects } = await import('./redirects.js')
  return followRedirects(request, response, resource, send)
}
