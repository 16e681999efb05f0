import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import type { IssuerHints } from '../contracts/discovery.js'
import {
  type IssuerRecord,
  RECORD_VERSION,
  TOKEN_RECORD_VERSION,
  type TokenRecord,
  type TokenRecordV1,
} from '../contracts/records.js'
import { type CorruptHandler, keys, readRecord } from '../storage/records.js'

/** An empty {@link IssuerHints}; one per auth instance. */
export const issuerHints = (): IssuerHints => ({ metadata: new Map(), pending: new Map() })

/** One copy of each value token records repeat, by its JSON. */
const copies = new Map<string, unknown>()
const one = <T>(value: T): T => {
  const key = JSON.stringify(value)
  if (!copies.has(key)) copies.set(key, value)
  return copies.get(key) as T
}

/**
 * `tokens` with the page's copy of what records repeat: their client (every server one
 * registration authorized names it), scopes and the strings beside the tokens, instead of one
 * copy each read from storage. The tokens themselves are never kept here, nor numbers (expiry
 * times would pile up).
 */
export function shareCopies(tokens: TokenRecord): TokenRecord {
  const record = tokens as unknown as Record<string, unknown>
  for (const [name, value] of Object.entries(record)) {
    if (typeof value !== 'number' && !name.endsWith('Token')) record[name] = one(value)
  }
  return tokens
}

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

/**
 * A token record of version 1 carried its own copy of the AS metadata: the instance keeps one
 * copy per issuer instead, stored on its own the first time the page meets it. Should that
 * write fail, the next refresh discovers the metadata anew.
 */
export function upgradeTokens(ctx: AuthContext, { as, ...tokens }: TokenRecordV1): TokenRecord {
  if (as && as.issuer === tokens.issuer && !ctx.issuerHints.metadata.has(as.issuer)) {
    keepIssuer(ctx, as)
    const record: IssuerRecord = { v: RECORD_VERSION, as }
    ctx.storage.set(keys.issuer(as.issuer), record).catch(() => {})
  }
  return { ...tokens, v: TOKEN_RECORD_VERSION }
}
