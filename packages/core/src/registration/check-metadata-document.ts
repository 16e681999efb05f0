import { McpAuthError } from '../errors.js'
import { isLoopbackHost } from '../http/urls.js'
import {
  type ClientMetadataDocument,
  type ClientMetadataDocumentOptions,
  clientMetadataDocument,
} from './metadata-document.js'

/** What is wrong (or worth knowing) about a hosted client ID metadata document. */
export type MetadataDocumentFindingCode =
  /** The URL cannot be a client ID (§3): not https, no path, a fragment, credentials, dot segments, or (a warning) a query. */
  | 'invalid_url'
  /** On a loopback host: only an authorization server on this machine can fetch it (a warning). */
  | 'loopback_url'
  /** The request failed: DNS, TLS, the network. `details.cause` says how. */
  | 'unreachable'
  /** A 3xx: authorization servers must not follow it (§5). `details.location` when known. */
  | 'redirect'
  /** Not `200 OK` (§4, §5). */
  | 'bad_status'
  /** An HTML page where the document should be: bot protection, a login wall or an SPA fallback. */
  | 'html_wall'
  /** Not a JSON object (an error); or JSON under another content type (a warning). */
  | 'not_json'
  /** Over 5 KB: authorization servers may stop reading there (§8.7). */
  | 'too_large'
  /** `client_id` is not the URL, character for character (§4). */
  | 'client_id_mismatch'
  /** `client_name` or `redirect_uris` is missing (MCP: both are required with `client_id`). */
  | 'missing_field'
  /** `redirect_uris` lacks the redirect URI this app sends (§4.2: exact match). */
  | 'redirect_uri_missing'
  /** A `client_secret`, or a secret-based `token_endpoint_auth_method` (§4.1 forbids both). */
  | 'shared_secret'
  /** `token_endpoint_auth_method` is not `none` (RFC 7591 §2: absent means `client_secret_basic`). */
  | 'not_public_client'
  /** `grant_types` lacks `refresh_token`: no refresh tokens (MCP 2026-07-28, a warning). */
  | 'no_refresh_grant'
  /** A cache header keeps an old document longer than `maxCacheSeconds` (a warning). */
  | 'long_cache'

export interface MetadataDocumentFinding {
  code: MetadataDocumentFindingCode
  /** `error`: authorization servers will refuse the document, or the app with it. */
  severity: 'error' | 'warning'
  /** What is wrong and what to do, for developers. */
  message: string
  /** The values involved, e.g. `{ expected, actual }`. */
  details?: Readonly<Record<string, unknown>>
}

export interface MetadataDocumentCheck {
  /** The URL that was checked. */
  url: string
  /** No finding of severity `error`. */
  ok: boolean
  findings: MetadataDocumentFinding[]
  /** The document as served, when it was a JSON object. */
  document?: Record<string, unknown>
}

export interface CheckMetadataDocumentOptions extends ClientMetadataDocumentOptions {
  /** How to fetch the document. Defaults to the global `fetch`. */
  fetch?: typeof fetch
  /** Longest acceptable cache lifetime, in seconds, before `long_cache`. Default 86400 (a day). */
  maxCacheSeconds?: number
}

/** §8.7: "The recommended maximum size to read is 5 kilobytes." */
const MAX_BYTES = 5 * 1024
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])

/**
 * Fetches a hosted client ID metadata document as an authorization server would (GET,
 * `Accept: application/json`, redirects not followed) and reports what would make servers
 * refuse it or the app: draft-ietf-oauth-client-id-metadata-document-02 §3 (the URL), §4 (a
 * JSON object whose `client_id` is the URL, served with 200), §4.1 (no shared secret), §4.2
 * (the redirect URI), §5 (no redirect), §5.2 (caching), §8.7 (5 KB); MCP 2025-11-25, "Client ID
 * Metadata Documents" (`client_id`, `client_name`, `redirect_uris` required). Meant for
 * development and CI, in Node or on the document's own origin; it never throws for what it
 * finds (an unusable `url` is `invalid_url`), only for a `redirectUri` the kit would refuse.
 * @param url Where the document is served (usually `client.metadataUrl`).
 * @param options The options given to `createMcpAuth()`; `redirectUri` must be listed.
 */
export async function checkClientMetadataDocument(
  url: string,
  options: CheckMetadataDocumentOptions,
): Promise<MetadataDocumentCheck> {
  const findings: MetadataDocumentFinding[] = []
  const found = (
    code: MetadataDocumentFindingCode,
    message: string,
    details?: Record<string, unknown>,
    severity: MetadataDocumentFinding['severity'] = 'error',
  ) => {
    findings.push({ code, severity, message, ...(details ? { details } : {}) })
  }
  const result = (document?: Record<string, unknown>): MetadataDocumentCheck => ({
    url,
    ok: findings.every((finding) => finding.severity !== 'error'),
    findings,
    ...(document ? { document } : {}),
  })

  let expected: ClientMetadataDocument
  try {
    expected = clientMetadataDocument({
      ...options,
      client: { ...options.client, metadataUrl: url },
    })
  } catch (error) {
    if (!(error instanceof McpAuthError) || error.details?.attribute !== 'client.metadataUrl') {
      throw error
    }
    found('invalid_url', `${error.message} (§3)`, { actual: url })
    return result()
  }
  const parsed = new URL(url)
  if (isLoopbackHost(parsed.hostname)) {
    found(
      'loopback_url',
      `${url} is on this machine: only an authorization server on this machine can fetch it. Serve it at an https URL for any other.`,
      undefined,
      'warning',
    )
  }
  if (parsed.search) {
    found('invalid_url', `${url} has a query; a client ID should not (§3)`, undefined, 'warning')
  }

  let response: Response
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
    })
  } catch (cause) {
    found('unreachable', `${url} could not be fetched: ${String(cause)}`, {
      cause: String(cause),
    })
    return result()
  }
  const { status } = response
  if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
    const location = response.headers.get('location')
    found(
      'redirect',
      `${url} answered with a redirect${location ? ` to ${location}` : ''}: authorization servers do not follow it (§5). Serve the document at the URL itself.`,
      { status, ...(location ? { location } : {}) },
    )
    return result()
  }

  const text = await response.text()
  const type = response.headers.get('content-type') ?? ''
  if (/html/i.test(type) || /^\s*</.test(text)) {
    if (status === 404 || status === 410) {
      found('bad_status', `${url} answered HTTP ${status}: nothing is served there`, { status })
    } else {
      found(
        'html_wall',
        `${url} answered an HTML page (HTTP ${status}) instead of the document: bot protection, a login wall or a single-page app's fallback. Serve the JSON to every client, unauthenticated and unchallenged.`,
        { status, contentType: type },
      )
    }
    return result()
  }
  if (status !== 200) {
    found(
      'bad_status',
      `${url} answered HTTP ${status}; the document must be served with 200 (§4)`,
      {
        status,
      },
    )
  }
  const bytes = new TextEncoder().encode(text).length
  if (bytes > MAX_BYTES) {
    found(
      'too_large',
      `The document is ${bytes} bytes; authorization servers may stop reading at ${MAX_BYTES} (§8.7)`,
      { bytes, limit: MAX_BYTES },
    )
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    // reported below
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    found('not_json', `${url} did not answer a JSON object`, { contentType: type })
    return result()
  }
  const document = body as Record<string, unknown>
  if (!/^application\/([\w.-]+\+)?json\b/i.test(type)) {
    found(
      'not_json',
      `The document is served as "${type}"; serve it as application/json (§4)`,
      { contentType: type },
      'warning',
    )
  }
  checkFields(document, expected, found)
  checkCache(response, options.maxCacheSeconds ?? 86_400, found)
  return result(document)
}

type Report = (
  code: MetadataDocumentFindingCode,
  message: string,
  details?: Record<string, unknown>,
  severity?: MetadataDocumentFinding['severity'],
) => void

/** The fields authorization servers and this app rely on. */
function checkFields(
  document: Record<string, unknown>,
  expected: ClientMetadataDocument,
  found: Report,
): void {
  if (document.client_id !== expected.client_id) {
    found(
      'client_id_mismatch',
      `client_id is ${JSON.stringify(document.client_id)}; it must be the document's URL, ${expected.client_id}, character for character (§4)`,
      { expected: expected.client_id, actual: document.client_id },
    )
  }
  if (typeof document.client_name !== 'string' || !document.client_name.trim()) {
    found('missing_field', 'client_name is missing: authorization servers show it to the user', {
      field: 'client_name',
    })
  }
  const redirects = document.redirect_uris
  const redirectUri = expected.redirect_uris[0]
  if (!Array.isArray(redirects)) {
    found('missing_field', 'redirect_uris is missing', { field: 'redirect_uris' })
  } else if (!redirects.includes(redirectUri)) {
    found(
      'redirect_uri_missing',
      `redirect_uris lacks ${redirectUri}, the redirect URI this app sends: the authorization server will refuse it (§4.2)`,
      { expected: redirectUri, actual: redirects },
    )
  }
  const method = document.token_endpoint_auth_method
  if ('client_secret' in document || SECRET_METHODS.has(String(method))) {
    found(
      'shared_secret',
      'The document names a shared secret (client_secret or a client_secret_* method): it is public, so a document must not (§4.1)',
      { token_endpoint_auth_method: method },
    )
  } else if (method !== 'none') {
    found(
      'not_public_client',
      `token_endpoint_auth_method is ${JSON.stringify(method)}; this app authenticates as a public client: set it to "none" (absent means client_secret_basic, RFC 7591 §2)`,
      { expected: 'none', actual: method },
    )
  }
  const grants = document.grant_types
  if (!Array.isArray(grants) || !grants.includes('refresh_token')) {
    found(
      'no_refresh_grant',
      'grant_types lacks refresh_token: authorization servers may issue no refresh token, and the user signs in again when the access token expires',
      { actual: grants },
      'warning',
    )
  }
}

/**
 * How long a cache may keep this response (RFC 9111 §4.2.1): the larger of `max-age` and
 * `s-maxage` (a CDN in front of the document keeps it as long as the server behind it), else
 * `Expires` minus `Date`. Authorization servers cache documents as their headers say (§5.2).
 */
function checkCache(response: Response, limit: number, found: Report): void {
  const control = response.headers.get('cache-control') ?? ''
  if (/\b(no-store|no-cache)\b/i.test(control)) return
  const ages = [...control.matchAll(/\b(?:s-maxage|max-age)\s*=\s*"?(\d+)/gi)].map((m) =>
    Number(m[1]),
  )
  let seconds: number | undefined = ages.length ? Math.max(...ages) : undefined
  const expires = response.headers.get('expires')
  if (seconds === undefined && expires) {
    const date = Date.parse(response.headers.get('date') ?? '')
    const end = Date.parse(expires)
    if (!Number.isNaN(end))
      seconds = Math.round((end - (Number.isNaN(date) ? Date.now() : date)) / 1000)
  }
  if (/\bimmutable\b/i.test(control) || (seconds !== undefined && seconds > limit)) {
    found(
      'long_cache',
      `Caches may keep this document for ${seconds ?? 'ever'} seconds (over ${limit}): a change, such as a new redirect URI, reaches authorization servers only then`,
      { seconds, limit, cacheControl: control, ...(expires ? { expires } : {}) },
      'warning',
    )
  }
}
