import type { FetchLike } from '../contracts/fetch.js'
import { McpAuthError } from '../errors.js'
import { discard, serverError } from '../http/fetch-json.js'
import { harmless, transportError } from '../http/transport-error.js'
import {
  type AuthChallenge,
  parseWwwAuthenticate,
  tokenChallenge,
} from '../http/www-authenticate.js'

/** What an unauthenticated request to an MCP server revealed. */
export type ProbeResult =
  | { kind: 'open'; status: number }
  | {
      kind: 'unauthorized'
      status: 401 | 403
      /**
       * The Bearer challenge, else the DPoP one (RFC 9449 §7.1), when the header was readable
       * (browsers need CORS expose).
       */
      challenge: AuthChallenge | undefined
      /** Whether any challenge other than Bearer was offered. */
      otherSchemes: string[]
    }

/**
 * Makes an unauthenticated MCP request (a JSON-RPC `ping`) and classifies the answer
 * (MCP authorization, "Authorization Server Discovery"; RFC 6750 §3, RFC 9110 §11.6.1).
 * A 401 means authorization is needed; whether it is OAuth is settled by discovery.
 * Any other non-5xx answer means the transport let us in without credentials.
 *
 * From revision 2026-07-28 the request carries what that revision requires of every request:
 * the `Mcp-Method` header (Streamable HTTP, "Standard Request Headers") and the required
 * `_meta` fields, whose protocol version the `MCP-Protocol-Version` header must match (Base
 * Protocol, "Per-request protocol fields"; the optional `clientInfo` is left out of this
 * anonymous request). Earlier revisions get neither, so a server whose CORS preflight predates
 * the header is not refused a request it never needed. `extra` headers go too (a route check's
 * `dpop`): a CORS policy that refuses one refuses the probe, which changes nothing and may go
 * through the relay instead.
 */
export async function probeServer(
  fetchFn: FetchLike,
  serverUrl: string,
  protocolVersion: string,
  signal?: AbortSignal,
  extra?: Record<string, string>,
): Promise<ProbeResult> {
  const modern = protocolVersion >= '2026-07-28'
  const init: RequestInit = {
    method: 'POST',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': protocolVersion,
      ...(modern && { 'mcp-method': 'ping' }),
      ...extra,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 'mcp-oauth-probe',
      method: 'ping',
      ...(modern && {
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': protocolVersion,
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    }),
    ...(signal ? { signal } : {}),
  }
  harmless.add(init)
  let response: Response
  try {
    response = await fetchFn(serverUrl, init)
  } catch (cause) {
    throw await transportError(fetchFn, serverUrl, 'MCP', cause)
  }
  discard(response)
  if (response.status === 401 || response.status === 403) {
    const header = response.headers.get('www-authenticate')
    return {
      kind: 'unauthorized',
      status: response.status,
      challenge: tokenChallenge(header),
      otherSchemes: parseWwwAuthenticate(header)
        .map((c) => c.scheme)
        .filter((s) => s !== 'bearer'),
    }
  }
  if (response.status >= 500) throw serverError(serverUrl, response.status)
  if (response.status === 404 || response.status === 410) {
    throw new McpAuthError(
      'unexpected_response',
      `No MCP server at ${serverUrl} (HTTP ${response.status})`,
      {
        details: { status: response.status },
      },
    )
  }
  return { kind: 'open', status: response.status }
}
