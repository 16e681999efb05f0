import type { RequestStep } from '../contracts/fetch.js'
import { McpAuthError } from '../errors.js'

/** The guide to the servers a browser cannot reach, and to the relay that reaches them. */
export const RELAY_GUIDE =
  'https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/guide/real-servers.md'

/** The headers the requests of each step carry that a CORS policy must allow. */
const SENT: Readonly<Record<RequestStep, readonly string[]>> = {
  'resource metadata': ['mcp-protocol-version'],
  'authorization server metadata': [],
  registration: ['content-type'],
  token: [],
  revocation: [],
  MCP: [
    'authorization',
    'content-type',
    'mcp-protocol-version',
    'mcp-session-id',
    'mcp-method',
    'mcp-name',
    'last-event-id',
  ],
}

/** Request headers a page may always send: no CORS policy needs to name them (Fetch §2.2.2). */
const SAFELISTED = /^(accept|accept-language|content-language)$/

/**
 * The `cors_blocked` error for a request the browser would not let this page make, with its
 * two fixes: the exact headers the server must send, or the app's relay. The headers to allow
 * are those the requests of `step` carry (for MCP, the 2026-07-28 `Mcp-Method` and `Mcp-Name`
 * too), and the request's own `headers` (`dpop` when it carried a proof). Exposed headers follow:
 * `WWW-Authenticate` and `Mcp-Session-Id` for MCP requests, `DPoP-Nonce` wherever a DPoP proof
 * goes (RFC 9449 §8, §9).
 */
export function corsRefusal(
  url: string,
  step: RequestStep,
  cause?: unknown,
  headers: readonly string[] = [],
): McpAuthError {
  const allow = [...new Set([...SENT[step], ...headers].map((h) => h.toLowerCase()))].filter(
    (name) => !SAFELISTED.test(name),
  )
  const expose = [
    ...(step === 'MCP' ? ['www-authenticate', 'mcp-session-id'] : []),
    ...(allow.includes('dpop') ? ['dpop-nonce'] : []),
  ]
  const origin = globalThis.location?.origin ?? "this app's origin"
  const policy = [
    `Access-Control-Allow-Origin: ${origin}`,
    allow.length && `Access-Control-Allow-Headers: ${allow.join(', ')}`,
    expose.length && `Access-Control-Expose-Headers: ${expose.join(', ')}`,
  ].filter(Boolean)
  return new McpAuthError(
    'cors_blocked',
    `The ${step} request to ${url} was blocked by CORS. Either the server answers this page ` +
      `with ${policy.join('; ')}, or the app sends it through its relay: deploy ` +
      "createMcpRelay() from @mcp-oauth/core/relay and pass relay: '/mcp-relay' to " +
      `createMcpAuth() (${RELAY_GUIDE}).`,
    { cause, details: { url, step, allowHeaders: allow, exposeHeaders: expose } },
  )
}

/**
 * Tells a CORS refusal from a network failure. A browser gives the same `TypeError` for a
 * CORS refusal and for an unreachable host (WHATWG Fetch, "network error"), so for a
 * cross-origin URL a `no-cors` request tells them apart: an opaque response means the host
 * answered and only the CORS headers are missing: `cors_blocked` (see {@link corsRefusal}), not
 * transient. Otherwise `undefined`: the network is at fault. The check carries no credentials,
 * no token and no custom header.
 */
export async function corsBlocked(
  url: string,
  step: RequestStep,
  cause: TypeError,
  headers?: readonly string[],
): Promise<McpAuthError | undefined> {
  return (await answersOpaquely(url)) ? corsRefusal(url, step, cause, headers) : undefined
}

/** True when `url` is cross-origin to the page and its host answers a `no-cors` request. */
export async function answersOpaquely(url: string): Promise<boolean> {
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
