import type * as oauth from 'oauth4webapi'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { isLoopbackHost } from '../http/urls.js'
import { isClientIdentifierUrl } from './client-id-url.js'

/**
 * A client ID metadata document client (draft-ietf-oauth-client-id-metadata-document-02 §3;
 * MCP 2025-11-25, "Client ID Metadata Documents"): used when the AS advertises
 * `client_id_metadata_document_supported` and the app hosts a document at a URL with a path.
 * The URL itself is the client ID; it is portable across authorization servers. The kit's one
 * rule for URLs holds (https, or http on a loopback host), and a document on a loopback host
 * is offered only to an AS on a loopback host: no other can fetch it (§8.6 allows loopback
 * fetches to development servers only). A URL that cannot be a client ID (§3, the rule
 * `clientMetadataDocument()` applies) is not offered either.
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
  if (!reachable || !isClientIdentifierUrl(metadataUrl, url)) return undefined
  return {
    v: RECORD_VERSION,
    issuer: as.issuer,
    redirectUri,
    clientId: metadataUrl,
    tokenEndpointAuthMethod: 'none',
    kind: 'metadata-document',
  }
}
