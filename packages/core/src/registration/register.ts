import type * as oauth from 'oauth4webapi'
import type { FetchLike } from '../contracts/fetch.js'
import type { McpAuthOptions } from '../contracts/options.js'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { McpAuthError } from '../errors.js'
import { postToEndpoint } from '../http/endpoint-request.js'
import { readJsonObject } from '../http/json-document.js'
import { transportError } from '../http/transport-error.js'
import { assertSecureUrl } from '../http/urls.js'
import { chooseAuthMethod } from './client-auth.js'
import { clientMetadata } from './client-metadata.js'
import { normalizeClientId } from './manual-client.js'

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
  const method = !supported || supported.includes('none') ? 'none' : chooseAuthMethod(as, true)
  const metadata = {
    ...clientMetadata(redirectUri, client),
    token_endpoint_auth_method: method,
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
  // Whatever the body is (an object within the document limits, or anything else), reading a
  // field is safe.
  const body: Record<string, unknown> = (await readJsonObject(response)) ?? {}
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
  // Why it failed is worked out only when it did: that code loads then.
  const { registrationFailure } = await import('./registration-failure.js')
  throw registrationFailure(endpoint, status, body)
}
