import { RECORD_VERSION, type RevocationRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { keys } from '../storage/records.js'

/** How long a refusal is remembered before the server is asked again: 30 days. */
export const REMEMBER_REFUSAL_MS = 30 * 24 * 60 * 60 * 1000

/**
 * Whether `issuer` answered `unsupported_token_type` to an access-token revocation recently.
 * RFC 7009 §2.2.1 defines that answer as the server not supporting the revocation of that token
 * type at all, a property of the server rather than of one token: asking again would only get the
 * same `400`, which the browser logs as an error. A record that is unreadable, of another
 * version or without its date is no memory.
 */
export async function refusesAccessTokenRevocation(
  storage: TokenStorage,
  issuer: string,
  now: number,
): Promise<boolean> {
  const record = (await storage.get(keys.revocation(issuer)).catch(() => undefined)) as
    | Partial<RevocationRecord>
    | undefined
  return record?.v === RECORD_VERSION && (record.until ?? 0) > now
}

/** Remembers the refusal; best effort, since a disconnect never fails on storage. */
export async function rememberAccessTokenRefusal(
  storage: TokenStorage,
  issuer: string,
  now: number,
): Promise<void> {
  const record: RevocationRecord = { v: RECORD_VERSION, issuer, until: now + REMEMBER_REFUSAL_MS }
  await storage.set(keys.revocation(issuer), record).catch(() => {})
}
