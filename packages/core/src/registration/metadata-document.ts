import type { McpAuthOptions } from '../contracts/options.js'
import { ConfigurationError } from '../errors.js'
import { assertSecureUrl } from '../http/urls.js'
import { isClientIdentifierUrl } from './client-id-url.js'
import { clientMetadata } from './client-metadata.js'

/** What `clientMetadataDocument()` reads: the same `redirectUri` and `client` as `createMcpAuth()`. */
export type ClientMetadataDocumentOptions = Pick<McpAuthOptions, 'redirectUri' | 'client'>

/**
 * A client ID metadata document (draft-ietf-oauth-client-id-metadata-document-02 §4): the
 * client metadata of RFC 7591 §2, with the document's own URL as `client_id`.
 */
export interface ClientMetadataDocument {
  /** The URL the document is served at, exactly (§4: simple string comparison). */
  client_id: string
  client_name: string
  client_uri?: string
  logo_uri?: string
  redirect_uris: string[]
  grant_types: string[]
  response_types: string[]
  /** A browser app keeps no secret (§4.1 forbids shared secrets in the document anyway). */
  token_endpoint_auth_method: 'none'
  /** `web`, or `native` while the redirect URI is on a loopback host (MCP 2026-07-28, SEP-837). */
  application_type: 'web' | 'native'
}

/**
 * The client ID metadata document for this app, built from the options `createMcpAuth()`
 * takes, so the two never disagree: `client_id` is `client.metadataUrl` as written,
 * `redirect_uris` holds `redirectUri` as the kit sends it, the name, home page and logo come
 * from `client`. Serve it as JSON at `client.metadataUrl` (MCP 2025-11-25, "Client ID Metadata
 * Documents"; draft-ietf-oauth-client-id-metadata-document-02 §3, §4).
 * @throws ConfigurationError `insecure_url` when a URL is neither https nor http on a loopback
 *   host; `invalid_configuration` when `client.metadataUrl` is missing, has no path, a dot
 *   segment, a fragment or a character a URI cannot hold (§3).
 */
export function clientMetadataDocument(
  options: ClientMetadataDocumentOptions,
): ClientMetadataDocument {
  const redirectUri = assertSecureUrl(options.redirectUri, 'redirectUri').href
  const clientId = options.client?.metadataUrl
  if (clientId === undefined) {
    throw new ConfigurationError(
      'invalid_configuration',
      'client.metadataUrl is required: it is the URL the document is served at, and its client_id',
      { details: { attribute: 'client.metadataUrl' } },
    )
  }
  const url = assertSecureUrl(clientId, 'client.metadataUrl')
  if (!isClientIdentifierUrl(clientId, url)) {
    throw new ConfigurationError(
      'invalid_configuration',
      `client.metadataUrl must be written with URI characters only, have a path without "." or ".." segments, and no fragment: ${clientId}`,
      { details: { attribute: 'client.metadataUrl', actual: clientId } },
    )
  }
  return {
    client_id: clientId,
    ...clientMetadata(redirectUri, options.client),
    token_endpoint_auth_method: 'none',
  }
}
