import type { ProtectedResourceMetadata } from '../contracts/discovery.js'
import type { FetchLike } from '../contracts/fetch.js'
import { DiscoveryError } from '../errors.js'
import { isStringArray, serverError } from '../http/fetch-json.js'
import { assertSecureUrl, resourceIdentifiesServer } from '../http/urls.js'
import { firstInPriorityOrder } from './candidates.js'

/**
 * The well-known URLs to try when no `resource_metadata` was challenged, in the order
 * MCP authorization requires (2025-11-25, "Protected Resource Metadata Discovery Requirements";
 * RFC 9728 §3.1): path-aware first, then the root.
 */
export function protectedResourceMetadataUrls(serverUrl: string): string[] {
  const url = new URL(serverUrl)
  const root = `${url.origin}/.well-known/oauth-protected-resource`
  const path = url.pathname.replace(/\/$/, '')
  return path ? [`${root}${path}`, root] : [root]
}

/**
 * Fetches and validates protected resource metadata (RFC 9728 §3, §5.1).
 * With a challenged `resource_metadata` URL only that URL is requested; otherwise both
 * well-known URLs are requested at once (a path-aware miss costs no extra round trip) and the
 * root document is used only when the path-aware one is missing. The document's `resource` must
 * identify `serverUrl` (same origin, a path covering the server's; RFC 9728 §3.3), else a
 * `resource_mismatch` error stops the flow. A 5xx or a transport failure on the preferred URL
 * is transient and thrown, never skipped. Returns `undefined` when no document exists (the
 * caller decides what that means).
 */
export async function discoverProtectedResource(
  fetchFn: FetchLike,
  serverUrl: string,
  resourceMetadataUrl: string | undefined,
  headers: Record<string, string> = {},
): Promise<ProtectedResourceMetadata | undefined> {
  const candidates = resourceMetadataUrl
    ? [assertSecureUrl(resourceMetadataUrl, 'resource_metadata').href]
    : protectedResourceMetadataUrls(serverUrl)
  const found = await firstInPriorityOrder(
    fetchFn,
    candidates,
    'resource metadata',
    headers,
    (result, url) => {
      if ('error' in result) throw result.error
      if (result.ok) return validateProtectedResourceMetadata(result.body, url, serverUrl)
      if (result.status >= 500) throw serverError(url, result.status)
      return undefined
    },
  )
  if (found || !resourceMetadataUrl) return found
  throw new DiscoveryError(
    'resource_metadata_not_found',
    `The resource_metadata URL from the challenge has no metadata: ${resourceMetadataUrl}`,
    { details: { url: resourceMetadataUrl } },
  )
}

/**
 * Checks types and the `resource` binding of a PRM document (RFC 9728 §2, §3.3). The `resource`
 * is sent as is in authorization and token requests, so it must be a resource indicator: no
 * fragment (RFC 8707 §2).
 */
export function validateProtectedResourceMetadata(
  body: Record<string, unknown>,
  url: string,
  serverUrl: string,
): ProtectedResourceMetadata {
  const { resource, authorization_servers, scopes_supported, resource_name } = body
  if (typeof resource !== 'string' || resource === '') {
    throw new DiscoveryError('invalid_resource_metadata', `"resource" is missing in ${url}`, {
      details: { url, attribute: 'resource' },
    })
  }
  if (resource.includes('#')) {
    throw new DiscoveryError(
      'invalid_resource_metadata',
      `"resource" has a fragment in ${url}; a resource indicator must not (RFC 8707 §2)`,
      { details: { url, attribute: 'resource', actual: resource } },
    )
  }
  if (!resourceIdentifiesServer(resource, serverUrl)) {
    throw new DiscoveryError(
      'resource_mismatch',
      `Protected resource metadata names "${resource}", which does not identify ${serverUrl}`,
      { details: { expected: serverUrl, actual: resource, attribute: 'resource' } },
    )
  }
  if (!isStringArray(authorization_servers) || authorization_servers.length === 0) {
    throw new DiscoveryError(
      'invalid_resource_metadata',
      `"authorization_servers" must be a non-empty array of strings in ${url}`,
      { details: { url, attribute: 'authorization_servers' } },
    )
  }
  if (scopes_supported !== undefined && !isStringArray(scopes_supported)) {
    throw new DiscoveryError(
      'invalid_resource_metadata',
      `"scopes_supported" must be an array of strings in ${url}`,
      { details: { url, attribute: 'scopes_supported' } },
    )
  }
  return {
    resource,
    authorization_servers,
    url,
    ...(scopes_supported ? { scopes_supported } : {}),
    ...(typeof resource_name === 'string' ? { resource_name } : {}),
    // Only `true` binds: anything else is the default, `false` (RFC 9728 §2).
    ...(body.dpop_bound_access_tokens_required === true && {
      dpop_bound_access_tokens_required: true,
    }),
  }
}
