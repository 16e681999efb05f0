/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document; MCP 2025-11-25,
 * "Client ID Metadata Documents"), for the app's server, build or CI:
 * `import { clientMetadataDocument } from '@mcp-oauth/core/client-metadata'`. An entry of its
 * own: a page that only signs in never loads it.
 * @module
 */
export {
  type CheckMetadataDocumentOptions,
  checkClientMetadataDocument,
  type MetadataDocumentCheck,
  type MetadataDocumentFinding,
  type MetadataDocumentFindingCode,
} from './registration/check-metadata-document.js'
export {
  type ClientMetadataDocument,
  type ClientMetadataDocumentOptions,
  clientMetadataDocument,
} from './registration/metadata-document.js'
