import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import { type IssuerRecord, RECORD_VERSION } from '../contracts/records.js'
import { discoverAuthorizationServer } from '../discovery/authorization-server.js'
import { keepIssuer } from '../discovery/issuer-hints.js'
import { keys } from '../storage/records.js'

/** The documents stored (or being stored) by this page, so that each is written once. */
const stored = new WeakMap<AuthorizationServer, Promise<void>>()

/**
 * Stores the instance's copy of `as` for its issuer, once, before any token record that refers
 * to it is written: refresh and revocation after a reload read it there.
 */
export function storeIssuer(ctx: AuthContext, as: AuthorizationServer): Promise<void> {
  const kept = keepIssuer(ctx, as)
  let done = stored.get(kept)
  if (!done) {
    const record: IssuerRecord = { v: RECORD_VERSION, as: kept }
    done = ctx.storage.set(keys.issuer(kept.issuer), record)
    stored.set(kept, done)
    done.catch(() => stored.delete(kept))
  }
  return done
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
