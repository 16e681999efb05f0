import type { AuthContext } from '../contracts/context.js'
import type { DpopMode } from '../contracts/dpop.js'
import type { FetchLike } from '../contracts/fetch.js'
import type { TokenRoute } from '../contracts/routes.js'
import { probeServer } from '../discovery/probe.js'
import { McpAuthError } from '../errors.js'
import { corsRefusal } from '../http/cors-diagnosis.js'
import { postToEndpoint } from '../http/endpoint-request.js'
import { discard } from '../http/fetch-json.js'
import { diagnosable, harmless, transportError } from '../http/transport-error.js'
import { throughRelay } from './through-relay.js'

/** What a route check found: the request goes as planned, or CORS refuses only its `dpop` header. */
type Verdict = 'ok' | 'dpop-refused'

/**
 * Stands in for a proof in route checks: a CORS preflight asks about header names only, and a
 * server that reads it refuses it, as it should.
 */
const PLACEHOLDER_PROOF = 'route-check'

/** The verdicts of each instance, by what was checked: the same check is never made twice. */
const verdicts = new WeakMap<AuthContext, Map<string, Promise<Verdict>>>()

function once(ctx: AuthContext, key: string, check: () => Promise<Verdict>): Promise<Verdict> {
  const known = verdicts.get(ctx) ?? new Map<string, Promise<Verdict>>()
  verdicts.set(ctx, known)
  let verdict = known.get(key)
  if (!verdict) {
    verdict = check()
    known.set(key, verdict)
    // A failed check (offline) decides nothing: the next authorization checks again.
    verdict.catch(() => known.delete(key))
  }
  return verdict
}

/** `fetchFn`, with every request marked harmless: the relay may take it when CORS refuses it. */
const harmlessly =
  (fetchFn: FetchLike): FetchLike =>
  (input, init) => {
    if (init) harmless.add(init)
    return fetchFn(input, init)
  }

/**
 * A token request that spends nothing (no code, no refresh token, no client secret) with the
 * headers the real one will carry: `dpop` when it will carry a proof, `authorization` when the
 * client authenticates with HTTP Basic. Any answer means CORS lets those requests through (or
 * the relay took it, and its host is learned). When it fails with a `dpop` header, the same
 * request without one (a form POST, which a browser sends without a preflight) tells whether
 * the proof is what the server's policy refuses.
 */
async function checkTokenEndpoint(
  fetchFn: FetchLike,
  endpoint: string,
  dpop: boolean,
  basic: boolean,
): Promise<Verdict> {
  const send = async (proof: boolean) =>
    discard(
      await postToEndpoint(
        harmlessly(fetchFn),
        endpoint,
        'token_endpoint',
        {
          form: {},
          client: { clientId: '', tokenEndpointAuthMethod: basic ? 'client_secret_basic' : 'none' },
        },
        proof ? { dpop: PLACEHOLDER_PROOF } : {},
      ),
    )
  const headers = basic ? ['authorization'] : []
  try {
    await send(dpop)
    return 'ok'
  } catch (cause) {
    if (!dpop) throw await transportError(fetchFn, endpoint, 'token', cause, headers)
  }
  // The same request without a proof is one a browser sends without asking first: if the page
  // may read its answer, the host is up and only the proof's preflight was refused.
  try {
    await send(false)
  } catch (cause) {
    throw await transportError(fetchFn, endpoint, 'token', cause, headers)
  }
  // Stryker disable next-line StringLiteral: a verdict is only ever compared with 'ok'
  return 'dpop-refused'
}

/**
 * The probe again, with a `dpop` header when DPoP is planned: whether the resource's CORS policy
 * lets the real requests through (with a relay, a refusal teaches the router the way there).
 * Without a relay it runs for DPoP only, once the probe passed: a refusal is the header's. Any
 * answer is a pass.
 */
async function checkResource(ctx: AuthContext, fetchFn: FetchLike, server: string, dpop: boolean) {
  try {
    const extra = dpop ? { dpop: PLACEHOLDER_PROOF } : undefined
    await probeServer(fetchFn, server, ctx.protocolVersion, undefined, extra)
  } catch (error) {
    // Stryker disable next-line Regex: no error code has network_error or relay_ past its start
    if (!(error instanceof McpAuthError) || /^(network_error|relay_)/.test(error.code)) throw error
    if (error.code === 'cors_blocked') return 'dpop-refused'
  }
  return 'ok'
}

/**
 * Decides the routes of a new authorization before its authorization URL is built (see
 * {@link TokenRoute}): one-time credentials (the code, then refresh tokens) are sent only once
 * their route is known. In a page, for the token endpoint and the resource when they are on
 * another origin and go straight to it, it checks with harmless requests (each made once per
 * instance) that CORS lets the real requests through, the resource's even when no probe ran:
 * - with a relay, a check CORS refuses goes through the relay, and so will the real requests;
 * - without one, a `dpop` header CORS refuses turns DPoP off in `'auto'` mode (the tokens are
 *   bearer tokens, and `dpop_jkt` is not sent), and fails with `cors_blocked` naming it in
 *   `'required'` mode; a token endpoint without CORS at all fails with `cors_blocked` before
 *   the user signs in, rather than after, with a spent code.
 *
 * Outside a page, and with a fetch of the app's (which may go anywhere), nothing is checked.
 */
export async function tokenRoute(input: {
  ctx: AuthContext
  fetch: FetchLike
  /** The MCP server's URL. */
  server: string
  tokenEndpoint: string
  /** The DPoP mode the authorization server and the resource allow (see `Dpop.plan`). */
  dpop: DpopMode
  /** The client authenticates with HTTP Basic: its token requests carry `authorization`. */
  basic: boolean
  /** The relay holds the client's secret: its token requests go through the relay. */
  secretAtRelay: boolean
}): Promise<TokenRoute> {
  const { ctx, fetch: fetchFn, server, tokenEndpoint, basic, secretAtRelay } = input
  let dpop = input.dpop
  const page = diagnosable.has(fetchFn) && typeof document !== 'undefined' && location.origin
  const checked = (url: string) =>
    !!page && new URL(url).origin !== page && !throughRelay(ctx.routes, url)
  const verdicts = await Promise.all([
    checked(tokenEndpoint) && !secretAtRelay && (ctx.routes || dpop !== 'off')
      ? // Stryker disable next-line EqualityOperator: the key only tells a check with a proof from one without
        once(ctx, `${tokenEndpoint} ${dpop !== 'off'} ${basic}`, () =>
          checkTokenEndpoint(fetchFn, tokenEndpoint, dpop !== 'off', basic),
        )
      : 'ok',
    checked(server) && (ctx.routes || dpop !== 'off')
      ? // Stryker disable next-line EqualityOperator: the key only tells a check with a proof from one without
        once(ctx, `${new URL(server).origin} ${dpop !== 'off'}`, () =>
          checkResource(ctx, fetchFn, server, dpop !== 'off'),
        )
      : 'ok',
  ])
  const steps = [
    [tokenEndpoint, 'token'],
    [server, 'MCP'],
  ] as const
  verdicts.forEach((verdict, i) => {
    if (verdict === 'ok') return
    const [url, step] = steps[i]!
    if (dpop === 'required') throw corsRefusal(url, step, undefined, ['dpop'])
    dpop = 'off'
  })
  return {
    token: secretAtRelay || throughRelay(ctx.routes, tokenEndpoint) ? 'relay' : 'direct',
    resource: throughRelay(ctx.routes, server) ? 'relay' : 'direct',
    dpop,
  }
}
