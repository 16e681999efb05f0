import type { FetchLike } from '../contracts/fetch.js'
import { McpAuthError } from '../errors.js'
import { discard, serverError } from '../http/fetch-json.js'
import { transportError } from '../http/transport-error.js'
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
 * From revision 2026-07-28 the request carries what that revision requires of every POST
 * (Streamable HTTP, "Request Metadata"): the `Mcp-Method` header and the `_meta` the
 * `MCP-Protocol-Version` header must match. Earlier revisions get neither, so a server whose
 * CORS preflight predates the header is not refused a request it never needed.
 */
export async function probeServer(
  fetchFn: FetchLike,
  serverUrl: string,
  protocolVersion: string,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': protocolVersion,
  }
  const body: Record<string, unknown> = { jsonrpc: '2.0', id: 'mcp-oauth-probe', method: 'ping' }
  if (protocolVersion >= '2026-07-28') {
    headers['mcp-method'] = 'ping'
    body.params = {
      _meta: {
        'io.modelcontextprotocol/protocolVersion': protocolVersion,
        'io.modelcontextprotocol/clientInfo': { name: 'mcp-oauth', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    }
  }
  let response: Response
  try {
    response = await fetchFn(serverUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    })
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
