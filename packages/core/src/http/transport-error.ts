import { McpAuthError, networkError } from '../errors.js'
import type { FetchLike } from './fetch-json.js'

/** The step of the flow a request belongs to, named in a `cors_blocked` error. */
export type RequestStep =
  | 'resource metadata'
  | 'authorization server metadata'
  | 'registration'
  | 'token'
  | 'revocation'
  | 'MCP'

/**
 * The fetch used when the app passes none. Only requests made with it are diagnosed as CORS
 * failures: a custom fetch (a proxy, a test double) may send the request elsewhere, so its
 * failure says nothing about the server's CORS headers.
 */
export const defaultFetch: FetchLike = (input, init) => globalThis.fetch(input, init)

/** The default fetch, and the observers of it that `@mcp-oauth/core/events` adds. */
export const diagnosable = new WeakSet<FetchLike>([defaultFetch])

/**
 * Classifies a failure thrown by `fetch` itself. A browser gives the same `TypeError` for a
 * CORS refusal and for an unreachable host (WHATWG Fetch, "network error"), so for a
 * cross-origin URL a `no-cors` request tells them apart: an opaque response means the host
 * answered and only the CORS headers are missing (`cors_blocked`, not transient); a failure
 * means the network is at fault (`network_error`, transient). The check carries no
 * credentials, no token and no custom header.
 */
export async function transportError(
  fetchFn: FetchLike,
  url: string,
  step: RequestStep,
  cause: unknown,
): Promise<McpAuthError> {
  if (diagnosable.has(fetchFn) && cause instanceof TypeError && (await answersOpaquely(url))) {
    return new McpAuthError(
      'cors_blocked',
      `The ${step} request to ${url} was blocked (CORS): the server must send ` +
        'Access-Control-Allow-Origin, Access-Control-Allow-Headers: authorization, content-type, ' +
        'mcp-protocol-version, mcp-session-id (and dpop) and Access-Control-Expose-Headers: ' +
        "WWW-Authenticate, Mcp-Session-Id (and DPoP-Nonce), or use a proxy with the 'fetch' option.",
      { cause, details: { url, step } },
    )
  }
  return networkError(url, cause)
}

/** True when `url` is cross-origin to the page and its host answers a `no-cors` request. */
async function answersOpaquely(url: string): Promise<boolean> {
  // Outside a browser `no-cors` means nothing (Node's fetch reads every response).
  const origin = typeof document === 'undefined' ? undefined : globalThis.location?.origin
  if (!origin || new URL(url).origin === origin) return false
  try {
    const response = await globalThis.fetch(url, {
      method: 'HEAD',
      mode: 'no-cors',
      credentials: 'omit',
      cache: 'no-store',
    })
    return response.type === 'opaque'
  } catch {
    return false
  }
}
