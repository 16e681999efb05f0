import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js'

/** draft-ietf-oauth-client-id-metadata-document-02 §8.7: read at most 5 KB. */
const MAX_BYTES = 5 * 1024

/**
 * Whether a client ID is a client identifier URL this development server fetches: http or
 * https on a loopback host, with a path (§3). Only loopback: a server on 127.0.0.1 may fetch
 * documents on its own interface, never elsewhere (§8.6), and no test leaves the machine.
 * @param {string} id
 */
export function isLocalDocumentUrl(id) {
  const url = URL.parse(id)
  return (
    !!url &&
    /^https?:$/.test(url.protocol) &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) &&
    url.pathname !== '/' &&
    !url.hash &&
    !url.username &&
    !url.password
  )
}

/**
 * Fetches and checks a client ID metadata document as an authorization server must (§4, §4.1,
 * §5): one GET, no redirect followed, 200 only, at most 5 KB, a JSON object whose `client_id`
 * is the URL exactly, no shared secret. Returns its metadata, or `undefined` (an unknown client).
 * @param {string} id
 */
export async function fetchMetadataDocument(id) {
  let document
  try {
    const response = await fetch(id, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
    })
    const text = await response.text()
    if (response.status !== 200 || Buffer.byteLength(text) > MAX_BYTES) return undefined
    document = JSON.parse(text)
  } catch {
    // Unreachable or not JSON: an unknown client (§5.1).
    return undefined
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) return undefined
  if (document.client_id !== id || 'client_secret' in document) return undefined
  if (document.token_endpoint_auth_method !== 'none') return undefined
  return document
}

/**
 * oidc-provider's in-memory storage, with client ID metadata documents (draft-ietf-oauth-
 * client-id-metadata-document-02 §5): a client this server does not know, whose ID is a local
 * document URL, is the document at that URL, fetched when the client is looked up.
 * `onFetch` hears of each fetch. (oidc-provider's own support fetches https URLs only, and never
 * from a loopback address.)
 * @param {(url: string) => void} onFetch
 */
export function metadataDocumentAdapter(onFetch) {
  return class extends MemoryAdapter {
    /** @param {string} id */
    async find(id) {
      const found = await super.find(id)
      if (found || this.model !== 'Client' || !isLocalDocumentUrl(id)) return found
      onFetch(id)
      return fetchMetadataDocument(id)
    }
  }
}
