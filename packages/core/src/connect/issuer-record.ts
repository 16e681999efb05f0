import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import { type IssuerRecord, RECORD_VERSION } from '../contracts/records.js'
import { discoverAuthorizationServer } from '../discovery/authorization-server.js'
import { keepIssuer } from '../discovery/issuer-hints.js'
import { keys } from '../storage/records.js'

/**
 * Stores the instance's copy of `as` for its issuer, before the token records that refer to it:
 * refresh and revocation after a reload read it there.
 */
export function storeIssuer(ctx: AuthContext, as: AuthorizationServer): Promise<void> {
  const record: IssuerRecord = { v: RECORD_VERSION, as: keepIssuer(ctx, as) }
  return ctx.storage.set(keys.issuer(as.issuer), record)
}

/** Stored tokens whose issuer's metadata is gone from storage: discovered anew, then stored. */
export async function rediscoverIssuer(
  ctx: AuthContext,
  issuer: string,
): Promise<AuthorizationServer> {
  const as = await discoverAuthorizationServer(ctx.fetch, issuer, {}, ctx.issuerHints)
  await storeIssuer(ctx, as)
  return as
}
