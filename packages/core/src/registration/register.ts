import type * as oauth from 'oauth4webapi'
import type { FetchLike } from '../contracts/fetch.js'
import type { McpAuthOptions } from '../contracts/options.js'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { McpAuthError, RegistrationError } from '../errors.js'
import { postToEndpoint } from '../http/endpoint-request.js'
import { readJsonObject } from '../http/json-document.js'
import { transportError } from '../http/transport-error.js'
import { assertSecureUrl, isLoopbackHost } from '../http/urls.js'
import { chooseAuthMethod } from './client-auth.js'
import { normalizeClientId } from './manual-client.js'

/**
 * A client ID metadata document client (draft-ietf-oauth-client-id-metadata-document; MCP
 * 2025-11-25, "Client ID Metadata Documents"): used when the AS advertises
 * `client_id_metadata_document_supported` and the app hosts a document at an https URL with a
 * path. The URL itself is the client ID; it is portable across authorization servers.
 */
export function metadataDocumentClient(
  as: oauth.AuthorizationServer,
  redirectUri: string,
  metadataUrl: string | undefined,
): ClientRecord | undefined {
  if (!metadataUrl || as.client_id_metadata_document_supported !== true) return undefined
  const url = new URL(metadataUrl)
  if (url.protocol !== 'https:' || url.pathname === '/' || url.hash) return undefined
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
  const registered = await readRegistration(response)
  if (!registered) {
    throw new RegistrationError(
      response.status >= 500 ? 'server_error' : 'registration_failed',
      `Dynamic client registration at ${endpoint} failed (HTTP ${response.status})`,
      { details: { status: response.status } },
    )
  }
  const secret = typeof registered.client_secret === 'string' ? registered.client_secret : undefined
  const returned = registered.token_endpoint_auth_method
  return {
    v: RECORD_VERSION,
    issuer: as.issuer,
    redirectUri,
    clientId: normalizeClientId(registered.client_id),
    ...(secret ? { clientSecret: secret } : {}),
    tokenEndpointAuthMethod:
      returned === 'client_secret_basic' || returned === 'client_secret_post' || returned === 'none'
        ? returned
        : chooseAuthMethod(as, !!secret),
    kind: 'dynamic',
    ...(scope ? { scope } : {}),
  }
}

/**
 * The client information response (RFC 7591 §3.2.1): `201 Created` (or `200`) with a JSON object
 * (within the document limits) carrying a `client_id`. Anything else, including an error
 * response (§3.2.2), is `undefined`. Only the fields the kit uses are kept of it.
 */
async function readRegistration(response: Response): Promise<Record<string, unknown> | undefined> {
  if (response.status !== 201 && response.status !== 200) return undefined
  const body = await readJsonObject(response)
  return typeof body?.client_id === 'string' ? body : undefined
}
