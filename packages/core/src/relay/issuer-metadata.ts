import { readAtMost } from './body.js'
import { RelayRefusal } from './refusal.js'

/** What the relay needs from an authorization server's metadata (RFC 8414 §2). */
export interface IssuerEndpoints {
  token?: string
  revocation?: string
  tokenAuthMethods?: readonly unknown[]
  revocationAuthMethods?: readonly unknown[]
}

/** Metadata documents are small; a larger answer is not one. */
const MAX_METADATA_BYTES = 64 * 1024
/** How long learned endpoints are trusted before the relay reads the metadata again. */
const TTL_MS = 10 * 60 * 1000

/**
 * Where an issuer publishes its metadata, in order: RFC 8414 §3.1 (well-known segment inserted
 * before the issuer's path), then OpenID Connect Discovery inserted, then appended.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  const at = (wellKnown: string) => `${url.origin}/.well-known/${wellKnown}${path}`
  const urls = [at('oauth-authorization-server'), at('openid-configuration')]
  if (path) urls.push(`${url.origin}${path}/.well-known/openid-configuration`)
  return urls
}

const urlOrUndefined = (value: unknown) =>
  typeof value === 'string' ? URL.parse(value)?.href : undefined
const listOrUndefined = (value: unknown) =>
  Array.isArray(value) ? (value as readonly unknown[]) : undefined

/** Reads one metadata document, if this URL has one for exactly this issuer. */
async function readMetadata(
  get: (url: URL) => Promise<Response>,
  url: string,
  issuer: string,
): Promise<IssuerEndpoints | undefined> {
  const response = await get(new URL(url))
  if (!response.ok) {
    response.body?.cancel().catch(() => {})
    return undefined
  }
  const bytes = await readAtMost(
    response.body,
    response.headers.get('content-length'),
    MAX_METADATA_BYTES,
  )
  // Not JSON (too large reads as nothing), or `null`: this read fails, the next URL is tried.
  const document = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
  // RFC 8414 §3.3: the issuer in the document is the one the URL was built from.
  if (document['issuer'] !== issuer) return undefined
  return {
    token: urlOrUndefined(document['token_endpoint']),
    revocation: urlOrUndefined(document['revocation_endpoint']),
    tokenAuthMethods: listOrUndefined(document['token_endpoint_auth_methods_supported']),
    revocationAuthMethods: listOrUndefined(document['revocation_endpoint_auth_methods_supported']),
  } as IssuerEndpoints
}

/**
 * The token and revocation endpoints of the issuers the relay holds secrets for, learned from
 * their metadata by the relay itself (never from the page), through the same address rules as
 * every request, and remembered for ten minutes. Concurrent requests share one read; a failed
 * read is not remembered.
 */
export function issuerDirectory(get: (url: URL) => Promise<Response>) {
  const known = new Map<string, { endpoints: Promise<IssuerEndpoints>; until: number }>()
  const learn = async (issuer: string): Promise<IssuerEndpoints> => {
    for (const url of metadataUrls(issuer)) {
      const endpoints = await readMetadata(get, url, issuer).catch(() => undefined)
      if (endpoints) return endpoints
    }
    throw new RelayRefusal(
      'issuer_metadata_unavailable',
      `The relay could not read the metadata of ${issuer}.`,
    )
  }
  return (issuer: string): Promise<IssuerEndpoints> => {
    const entry = known.get(issuer)
    if (entry && entry.until > Date.now()) return entry.endpoints
    const endpoints = learn(issuer)
    known.set(issuer, { endpoints, until: Date.now() + TTL_MS })
    endpoints.catch(() => known.delete(issuer))
    return endpoints
  }
}
