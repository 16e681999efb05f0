import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import {
  discoverAuthorizationServer,
  discoverLegacyAuthorizationServer,
} from '../discovery/authorization-server.js'
import { discoverProtectedResource } from '../discovery/protected-resource.js'
import type { AuthChallenge } from '../http/www-authenticate.js'
import { traced } from '../tracing.js'

/**
 * Protected resource metadata (RFC 9728), then the metadata of its authorization server
 * (RFC 8414; MCP authorization, "Authorization Server Discovery"): the one used before
 * (`previousIssuer`) when the resource still lists it, else the first listed. Without any PRM,
 * the 2025-03-26 fallback to AS metadata at the server's origin applies. `undefined` for a
 * server that publishes no OAuth metadata at all.
 */
export async function runDiscovery(
  ctx: AuthContext,
  url: string,
  challenge: AuthChallenge | undefined,
  previousIssuer: string | undefined,
): Promise<Discovery | undefined> {
  const headers = { 'mcp-protocol-version': ctx.protocolVersion }
  const challenged = challenge?.params.resource_metadata
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
    as = await traced(
      ctx,
      url,
      'as',
      (f) => discoverAuthorizationServer(f, issuer, {}, ctx.issuerHints),
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
