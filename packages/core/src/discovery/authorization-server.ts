import type { AuthorizationServer } from 'oauth4webapi'
import type { IssuerHints } from '../contracts/discovery.js'
import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { DiscoveryError, type McpAuthError } from '../errors.js'
import { isStringArray } from '../http/fetch-json.js'
import { getJson, pick } from '../http/json-document.js'
import { assertSecureUrl } from '../http/urls.js'
import { type CandidateResult, firstInPriorityOrder } from './candidates.js'

export type { AuthorizationServer }

/**
 * Metadata URLs for an issuer, in the priority order of MCP authorization (2025-11-25,
 * "Authorization Server Metadata Discovery"): RFC 8414 §3.1 path insertion, OpenID Connect
 * Discovery path insertion, then OpenID Connect Discovery 1.0 §4 path appending. A root issuer
 * gets the two root URLs. The root RFC 8414 URL is never used for an issuer with a path.
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/$/, '')
  if (!path) {
    return [
      `${url.origin}/.well-known/oauth-authorization-server`,
      `${url.origin}/.well-known/openid-configuration`,
    ]
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ]
}

const AS_STEP: RequestStep = 'authorization server metadata'

/** The longest head start of the first metadata URL (RFC 8305 §5 waits as long for IPv6). */
export const AS_HEAD_START_MAX_MS = 250

const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'revocation_endpoint',
] as const

/** The AS metadata the kit uses, and so keeps (in memory, in records): nothing else. */
const KEPT = [
  'issuer',
  ...ENDPOINTS,
  'code_challenge_methods_supported',
  'scopes_supported',
  'token_endpoint_auth_methods_supported',
  'dpop_signing_alg_values_supported',
  'client_id_metadata_document_supported',
  'authorization_response_iss_parameter_supported',
]

/**
 * Validates one AS metadata document (RFC 8414 §3.3): `issuer` must equal the expected issuer
 * as an exact string (no URL normalisation: a trailing "/" is a different issuer), PKCE S256
 * must be advertised (MCP authorization 2025-11-25, "Authorization Code Protection"), and
 * every endpoint must be https (http only on loopback). Only the fields the kit uses are kept.
 */
export function validateAuthorizationServerMetadata(
  body: Record<string, unknown>,
  expectedIssuer: string,
  url: string,
): AuthorizationServer {
  if (body.issuer !== expectedIssuer) {
    throw new DiscoveryError(
      'issuer_mismatch',
      `Metadata at ${url} names issuer ${JSON.stringify(body.issuer)}, expected "${expectedIssuer}"`,
      { details: { expected: expectedIssuer, actual: body.issuer, attribute: 'issuer', url } },
    )
  }
  const methods = body.code_challenge_methods_supported
  if (!isStringArray(methods) || !methods.includes('S256')) {
    throw new DiscoveryError(
      'pkce_not_supported',
      `${expectedIssuer} does not advertise PKCE S256 in code_challenge_methods_supported`,
      { details: { actual: methods, attribute: 'code_challenge_methods_supported', url } },
    )
  }
  for (const name of ['authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof body[name] !== 'string') {
      throw new DiscoveryError(
        'invalid_authorization_server_metadata',
        `${name} is missing in ${url}`,
        { details: { attribute: name, url } },
      )
    }
  }
  for (const name of ENDPOINTS) {
    if (body[name] !== undefined) assertSecureUrl(body[name], name)
  }
  for (const name of ['scopes_supported', 'token_endpoint_auth_methods_supported'] as const) {
    if (body[name] !== undefined && !isStringArray(body[name])) {
      throw new DiscoveryError(
        'invalid_authorization_server_metadata',
        `${name} must be an array of strings in ${url}`,
        { details: { attribute: name, url } },
      )
    }
  }
  return pick(body, KEPT) as unknown as AuthorizationServer
}

/**
 * Discovers and validates AS metadata for `issuer`. The document kept in `hints` answers at
 * once, unless `fresh` (a server refused a token: the metadata may have changed). Otherwise the
 * candidate URLs are fetched in priority order: the first alone for `headStart` ms (see
 * `firstInPriorityOrder`), the others after it or as soon as it misses, and the first valid
 * document in priority order wins (and is kept). A document with the wrong issuer or without
 * S256 is never used; if no candidate is valid, the most telling error is thrown.
 */
export function discoverAuthorizationServer(
  fetchFn: FetchLike,
  issuer: string,
  headers: Record<string, string> = {},
  hints?: IssuerHints,
  fresh = false,
  headStart = 0,
): Promise<AuthorizationServer> {
  const kept = fresh ? undefined : hints?.metadata.get(issuer)
  if (kept) return Promise.resolve(kept)
  const joined = hints?.pending.get(issuer)
  if (joined) return joined
  const discovery = discover(fetchFn, issuer, headers, headStart)
  if (!hints) return discovery
  hints.pending.set(issuer, discovery)
  discovery.then(
    (as) => {
      hints.pending.delete(issuer)
      hints.metadata.set(issuer, as)
    },
    () => hints.pending.delete(issuer),
  )
  return discovery
}

async function discover(
  fetchFn: FetchLike,
  issuer: string,
  headers: Record<string, string>,
  headStart: number,
): Promise<AuthorizationServer> {
  assertSecureUrl(issuer, 'issuer')
  const urls = authorizationServerMetadataUrls(issuer)
  let firstError: McpAuthError | undefined
  let transport: unknown
  const pick = (result: CandidateResult, url: string) => {
    if ('error' in result) transport ??= result.error
    else if (result.ok) {
      try {
        return validateAuthorizationServerMetadata(result.body, issuer, url)
      } catch (error) {
        firstError ??= error as McpAuthError
      }
    }
    return undefined
  }
  const found = await firstInPriorityOrder(fetchFn, urls, AS_STEP, headers, pick, headStart)
  if (found) return found
  if (firstError) throw firstError
  if (transport) throw transport
  throw new DiscoveryError(
    'authorization_server_not_found',
    `No authorization server metadata found for ${issuer}`,
    { details: { tried: urls } },
  )
}

/**
 * MCP 2025-03-26 back-compat: without protected resource metadata, the authorization base URL
 * is the server's origin; metadata lives at its RFC 8414 root URL, and without metadata the
 * default endpoints `/authorize`, `/token` and `/register` apply (MCP 2025-03-26,
 * "Fallbacks for Servers without Metadata Discovery").
 */
export async function discoverLegacyAuthorizationServer(
  fetchFn: FetchLike,
  serverUrl: string,
  headers: Record<string, string>,
  allowDefaultEndpoints: boolean,
): Promise<AuthorizationServer | undefined> {
  const origin = new URL(serverUrl).origin
  const url = `${origin}/.well-known/oauth-authorization-server`
  const result = await getJson(fetchFn, url, AS_STEP, headers)
  if (result.ok) {
    // The 2025-03-26 revision predates the exact-issuer rule for this fallback; accept a
    // trailing-slash variant of the origin but still require S256.
    const issuer = result.body.issuer === `${origin}/` ? `${origin}/` : origin
    return validateAuthorizationServerMetadata(result.body, issuer, url)
  }
  if (!allowDefaultEndpoints) return undefined
  return {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    code_challenge_methods_supported: ['S256'],
  }
}
