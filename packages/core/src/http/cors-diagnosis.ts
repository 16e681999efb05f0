import type { RequestStep } from '../contracts/fetch.js'
import { McpAuthError } from '../errors.js'

/**
 * Tells a CORS refusal from a network failure. A browser gives the same `TypeError` for a
 * CORS refusal and for an unreachable host (WHATWG Fetch, "network error"), so for a
 * cross-origin URL a `no-cors` request tells them apart: an opaque response means the host
 * answered and only the CORS headers are missing: `cors_blocked`, not transient. Otherwise
 * `undefined`: the network is at fault. The check carries no credentials, no token and no
 * custom header.
 */
export async function corsBlocked(
  url: string,
  step: RequestStep,
  cause: TypeError,
): Promise<McpAuthError | undefined> {
  if (await answersOpaquely(url)) {
    return new McpAuthError(
      'cors_blocked',
      `The ${step} request to ${url} was blocked (CORS): the server must send ` +
        'Access-Control-Allow-Origin, Access-Control-Allow-Headers: authorization, content-type, ' +
        'mcp-protocol-version, mcp-session-id (and dpop) and Access-Control-Expose-Headers: ' +
        "WWW-Authenticate, Mcp-Session-Id (and DPoP-Nonce), or use a proxy with the 'fetch' option.",
      { cause, details: { url, step } },
    )
  }
  return undefined
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
