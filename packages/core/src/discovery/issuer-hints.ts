import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import type { IssuerHints } from '../contracts/discovery.js'
import type { IssuerRecord } from '../contracts/records.js'
import { type CorruptHandler, keys, readRecord } from '../storage/records.js'

/** An empty {@link IssuerHints}; one per auth instance. */
export const issuerHints = (): IssuerHints => ({
  metadata: new Map(),
  urls: new Map(),
  pending: new Map(),
})

/** Keeps `as` as the instance's copy for its issuer, unless it has one already; returns the copy. */
export function keepIssuer({ issuerHints: { metadata } }: AuthContext, as: AuthorizationServer) {
  if (!metadata.has(as.issuer)) metadata.set(as.issuer, as)
  return metadata.get(as.issuer)!
}

/** The AS metadata of `issuer`: the instance's copy, else the stored one (kept from then on). */
export async function knownIssuer(
  ctx: AuthContext,
  issuer: string,
  onCorrupt: CorruptHandler,
): Promise<AuthorizationServer | undefined> {
  const as =
    ctx.issuerHints.metadata.get(issuer) ??
    (await readRecord<IssuerRecord>(ctx.storage, keys.issuer(issuer), 'issuer', onCorrupt))?.as
  return as?.issuer === issuer ? keepIssuer(ctx, as) : undefined
}
