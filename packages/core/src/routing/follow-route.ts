import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import type { TokenRoute } from '../contracts/routes.js'
import { ConfigurationError } from '../errors.js'

/**
 * Makes the requests of stored tokens, or of a flow coming back after a reload, go the way their
 * route was decided (see {@link TokenRoute}): the origins of their token and revocation
 * endpoints, and of their resource, go through the relay when they did. `false` when the token
 * endpoint needs the relay and this instance has none: then nothing may be sent there, since a
 * request sent straight to it would spend the refresh token or code and fail.
 */
export function followRoute(
  ctx: AuthContext,
  record: {
    resource: string
    route?: TokenRoute | undefined
    as?: Pick<AuthorizationServer, 'token_endpoint' | 'revocation_endpoint'> | undefined
  },
): boolean {
  const { route, as } = record
  const token = route?.token === 'relay'
  for (const url of [
    token && as?.token_endpoint,
    token && as?.revocation_endpoint,
    route?.resource === 'relay' && record.resource,
  ]) {
    if (url) ctx.routes?.learned.add(new URL(url).origin)
  }
  return !token || !!ctx.routes
}

/** Why a token request that needs the relay was not sent. */
export const relayNeeded = () =>
  new ConfigurationError(
    'invalid_configuration',
    'These tokens came through a relay: pass relay to createMcpAuth()',
  )
