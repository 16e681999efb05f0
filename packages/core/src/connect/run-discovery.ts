import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import {
  AS_HEAD_START_MAX_MS,
  discoverAuthorizationServer,
  discoverLegacyAuthorizationServer,
} from '../discovery/authorization-server.js'
import { discoverProtectedResource } from '../discovery/protected-resource.js'
import type { AuthChallenge } from '../http/www-authenticate.js'
import { traced } from '../tracing.js'

/**
 * Protected resource metadata (RFC 9728), then the metadata of its authorization server
 * (RFC 8414; MCP authorization, "Authorization Server Discovery"): the one used before
 * (`previousIssuer`) when the resource still lists it, else the first listed; the document the
 * instance keeps for that issuer unless `refused` (the server refused a token). Without any PRM,
 * the 2025-03-26 fallback to AS metadata at the server's origin applies. `undefined` for a
 * server that publishes no OAuth metadata at all.
 *
 * On first contact with an issuer, its first metadata URL gets a head start of half the time
 * the resource metadata took (a round trip to the resource), 250 ms at most. An authorization
 * server as near as that which answers there spares the other candidates' requests; one that
 * misses there costs at most that much more, and its other candidates still go out before the
 * first answer comes back: no round trip is added.
 */
export async function runDiscovery(
  ctx: AuthContext,
  url: string,
  challenge: AuthChallenge | undefined,
  previousIssuer: string | undefined,
  refused = false,
): Promise<Discovery | undefined> {
  const headers = { 'mcp-protocol-version': ctx.protocolVersion }
  const challenged = challenge?.params.resource_metadata
  const started = performance.now()
  const prm = await traced(
    ctx,
    url,
    'prm',
    (f) => discoverProtectedResource(f, url, challenged, headers),
    challenged,
  )
  let as: AuthorizationServer | undefined
  if (prm) {
    const issuer =
      prm.authorization_servers.find((candidate) => candidate === previousIssuer) ??
      prm.authorization_servers[0]!
    const headStart = Math.min((performance.now() - started) / 2, AS_HEAD_START_MAX_MS)
    as = await traced(
      ctx,
      url,
      'as',
      (f) => discoverAuthorizationServer(f, issuer, {}, ctx.issuerHints, refused, headStart),
      issuer,
    )
  } else {
    as = await traced(ctx, url, 'as', (f) =>
      discoverLegacyAuthorizationServer(f, url, headers, ctx.legacyEndpointFallback),
    )
    if (!as) return undefined
  }
  return { prm, as, resource: prm?.resource ?? url }
}
