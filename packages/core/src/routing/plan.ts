import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import type { Dpop } from '../contracts/dpop.js'
import type { ClientRecord } from '../contracts/records.js'
import type { TokenRoute } from '../contracts/routes.js'
import { ConfigurationError } from '../errors.js'
import { traced } from '../tracing.js'
import { tokenRoute } from './token-route.js'

/**
 * The DPoP mode and the routes of a new authorization (see {@link TokenRoute}), decided while its
 * client is resolved and before its authorization URL is built, so that its code is sent only
 * once its route is known. DPoP follows the app's mode, the authorization server and the
 * resource (`dpop_bound_access_tokens_required`, RFC 9728 §2 and RFC 9449 §5.2, makes it
 * required); CORS may turn it off in `'auto'` mode, and then no `dpop_jkt` binds the code.
 * A client that turns out to use HTTP Basic sends `authorization` too: its route is checked
 * again. Resolves with the route and the key thumbprint for `dpop_jkt` (RFC 9449 §10), or
 * `undefined` when no client identity could be had.
 */
export async function planAuthorization(input: {
  ctx: AuthContext
  server: string
  discovery: Discovery
  /** The DPoP module, loaded when the authorization server or the resource may bind tokens. */
  dpop: Dpop | undefined
  client: Promise<ClientRecord | undefined>
}): Promise<{ route: TokenRoute; dpopJkt: string | undefined } | undefined> {
  const { ctx, server, discovery, dpop } = input
  const { as, resource } = discovery
  const pre = ctx.preRegistered[as.issuer]
  if (pre?.secretAtRelay && (!ctx.routes || pre.clientSecret)) {
    throw new ConfigurationError(
      'invalid_configuration',
      `The client of ${as.issuer} has its secret at the relay: pass relay to createMcpAuth(), and no clientSecret`,
    )
  }
  const mode = dpop?.plan(as, discovery.prm?.dpop_bound_access_tokens_required) ?? 'off'
  const tokenEndpoint = as.token_endpoint!
  const decide = (basic: boolean) =>
    traced(
      ctx,
      server,
      'route',
      (fetch) =>
        tokenRoute({
          ctx,
          fetch,
          server,
          tokenEndpoint,
          dpop: mode,
          basic,
          secretAtRelay: !!pre?.secretAtRelay,
        }),
      { url: tokenEndpoint, dpop: mode },
    )
  const [client, first] = await Promise.all([input.client, decide(false)])
  if (!client) return undefined
  const route =
    client.tokenEndpointAuthMethod === 'client_secret_basic' ? await decide(true) : first
  // Stryker disable next-line OptionalChaining: the mode is 'off' whenever the DPoP module is absent, and the route check only keeps it or turns it off
  const proofs = route.dpop === 'off' ? undefined : dpop?.forAuthorization(as, resource, route.dpop)
  return { route, dpopJkt: await proofs?.thumbprint() }
}
