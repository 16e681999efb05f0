import type * as oauth from 'oauth4webapi'
import type { FetchLike } from '../contracts/fetch.js'
import type { McpAuthOptions } from '../contracts/options.js'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { McpAuthError, RegistrationError, type RegistrationRefusal } from '../errors.js'
import { postToEndpoint } from '../http/endpoint-request.js'
import { transportError } from '../http/transport-error.js'
import { assertSecureUrl, isLoopbackHost } from '../http/urls.js'
import { chooseAuthMethod } from './client-auth.js'
import { normalizeClientId } from './manual-client.js'

/**
 * A client ID metadata document client (draft-ietf-oauth-client-id-metadata-document-02 §3;
 * MCP 2025-11-25, "Client ID Metadata Documents"): used when the AS advertises
 * `client_id_metadata_document_supported` and the app hosts a document at a URL with a path.
 * The URL itself is the client ID; it is portable across authorization servers. The kit's one
 * rule for URLs holds (https, or http on a loopback host), and a document on a loopback host
 * is offered only to an AS on a loopback host: no other can fetch it (§8.6 allows loopback
 * fetches to development servers only).
 */
export function metadataDocumentClient(
  as: oauth.AuthorizationServer,
  redirectUri: string,
  metadataUrl: string | undefined,
): ClientRecord | undefined {
  if (!metadataUrl || as.client_id_metadata_document_supported !== true) return undefined
  const url = new URL(metadataUrl)
  const reachable = isLoopbackHost(url.hostname)
    ? isLoopbackHost(new URL(as.issuer).hostname)
    : url.protocol === 'https:'
  if (!reachable || url.pathname === '/' || url.hash) return undefined
  return {
    v: RECORD_VERSION,
    issuer: as.issuer,
    redirectUri,
    clientId: metadataUrl,
    tokenEndpointAuthMethod: 'none',
    kind: 'metadata-document',
  }
}

/**
 * Dynamic client registration (RFC 7591 §3): a public client (`none` when the AS allows it)
 * with `refresh_token` among its grant types (MCP 2026-07-28, SEP-2207) and an
 * `application_type` of `native` for loopback redirect URIs or `web` otherwise (SEP-837).
 */
export async function registerDynamicClient(
  fetchFn: FetchLike,
  as: oauth.AuthorizationServer,
  redirectUri: string,
  client: McpAuthOptions['client'],
  scope: string | undefined,
): Promise<ClientRecord> {
  const endpoint = assertSecureUrl(as.registration_endpoint, 'registration_endpoint').href
  const supported = as.token_endpoint_auth_methods_supported
  const method =
    !supported || supported.includes('none')
      ? 'none'
      : supported.includes('client_secret_basic')
        ? 'client_secret_basic'
        : 'client_secret_post'
  const metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>> = {
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: method,
    application_type: isLoopbackHost(new URL(redirectUri).hostname) ? 'native' : 'web',
    client_name: client?.name ?? 'MCP client',
    ...(client?.uri ? { client_uri: client.uri } : {}),
    ...(client?.logoUri ? { logo_uri: client.logoUri } : {}),
    ...(scope ? { scope } : {}),
  }
  let response: Response
  try {
    // Stryker disable next-line StringLiteral: the endpoint passed the same check above, so this name is never shown
    response = await postToEndpoint(fetchFn, endpoint, 'registration_endpoint', { json: metadata })
  } catch (cause) {
    if (cause instanceof McpAuthError) throw cause
    throw await transportError(fetchFn, endpoint, 'registration', cause)
  }
  // Whatever the body is (an object, another JSON value, or not JSON), reading a field is safe.
  const body: Record<string, unknown> = Object(await response.json().catch(() => null))
  const { status } = response
  if ((status === 201 || status === 200) && typeof body.client_id === 'string') {
    const secret = typeof body.client_secret === 'string' ? body.client_secret : undefined
    const returned = body.token_endpoint_auth_method
    return {
      v: RECORD_VERSION,
      issuer: as.issuer,
      redirectUri,
      clientId: normalizeClientId(body.client_id),
      ...(secret ? { clientSecret: secret } : {}),
      tokenEndpointAuthMethod:
        returned === 'client_secret_basic' ||
        returned === 'client_secret_post' ||
        returned === 'none'
          ? returned
          : chooseAuthMethod(as, !!secret),
      kind: 'dynamic',
      ...(scope ? { scope } : {}),
    }
  }
  throw registrationFailure(endpoint, status, body)
}

/** The RFC 7591 §3.2.2 error codes that refuse this app, by the reason they give. */
const REFUSALS = new Map<unknown, RegistrationRefusal>([
  ['invalid_redirect_uri', 'redirect_uri_refused'],
  ['invalid_client_metadata', 'client_metadata_refused'],
  ['unapproved_software_statement', 'software_statement_required'],
  ['invalid_software_statement', 'software_statement_required'],
])

/**
 * Anything but a client information response (RFC 7591 §3.2.1: `201` with a `client_id`). A
 * refusal (§3.2.2: a `4xx` error naming this app's metadata; `403` for an app the server does
 * not accept; `401` for a missing initial access token, §3) is `registration_refused` with its
 * reason; a `5xx` is a transient `server_error`; the rest is `registration_failed`.
 */
function registrationFailure(
  endpoint: string,
  status: number,
  body: Record<string, unknown>,
): RegistrationError {
  const reason =
    status >= 400 && status < 500
      ? (REFUSALS.get(body.error) ??
        (status === 403
          ? 'not_approved'
          : status === 401
            ? 'initial_access_token_required'
            : undefined))
      : undefined
  const error = typeof body.error === 'string' ? body.error : undefined
  return new RegistrationError(
    reason ? 'registration_refused' : status >= 500 ? 'server_error' : 'registration_failed',
    `Dynamic client registration at ${endpoint} ${reason ? 'was refused' : 'failed'} (HTTP ${status}${error ? ` ${error}` : ''})`,
    {
      details: {
        status,
        ...(reason ? { reason } : {}),
        ...(error ? { error } : {}),
        ...(typeof body.error_description === 'string'
          ? { description: body.error_description.slice(0, 200) }
          : {}),
      },
    },
  )
}
