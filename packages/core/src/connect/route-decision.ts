import type { AuthContext } from '../contracts/context.js'
import type { DpopMode } from '../contracts/dpop.js'
import type { TokenRoute } from '../contracts/routes.js'
import { traced } from '../tracing.js'

/**
 * The routes of a new authorization (see `routing/token-route.ts`, a chunk of its own). Without a
 * relay and without DPoP nothing needs deciding, and nothing loads: everything goes direct.
 */
export function decideRoute(
  ctx: AuthContext,
  server: string,
  tokenEndpoint: string,
  dpop: DpopMode,
  client: { basic: boolean; secretAtRelay: boolean },
): Promise<TokenRoute> {
  if (!ctx.routes && dpop === 'off') {
    return Promise.resolve({ token: 'direct', resource: 'direct', dpop })
  }
  return traced(
    ctx,
    server,
    'route',
    async (fetch) => {
      const { tokenRoute } = await import('../routing/token-route.js')
      return tokenRoute({ ctx, fetch, server, tokenEndpoint, dpop, ...client })
    },
    { url: tokenEndpoint, dpop },
  )
}
