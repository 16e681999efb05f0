/**
 * The answers the protocol calls for that Chromium still logs as console errors ("Failed to load
 * resource: the server responded with a status of …"). This is the one list: the app tests
 * forgive exactly these and nothing else, and the debugging guide's "What the console shows"
 * section documents each one (a docs test holds the two together).
 */
export interface ExpectedResponse {
  status: number
  /** Which request: the start of its URL, given the demo stack's URLs. */
  url: (stack: { issuer: string; servers: { oauth: string } }) => string
  /** The request, in the docs' words. */
  request: string
  /** How often one browser profile may see it; unbounded when absent. */
  atMost?: number
  /** Why it is expected: the docs table's reason, word for word. */
  why: string
}

export const EXPECTED_RESPONSES: readonly ExpectedResponse[] = [
  {
    status: 401,
    request: '`POST` to the MCP server, before it is authorized',
    url: (stack) => stack.servers.oauth,
    why: 'The probe: an MCP request without a token, which a server that needs authorization answers with its challenge (MCP authorization, RFC 9728). It is how the kit finds out what the server needs.',
  },
  {
    status: 405,
    request: '`GET` to the MCP server, from the MCP SDK',
    url: (stack) => stack.servers.oauth,
    why: 'The MCP SDK opens the optional standalone SSE stream with a `GET` after `initialize`; a server that offers none answers `405` (Streamable HTTP), and the SDK carries on without it.',
  },
  {
    status: 400,
    request: '`POST` to the revocation endpoint, on `disconnect()`',
    url: (stack) => `${stack.issuer}/token/revocation`,
    atMost: 1,
    why: 'The first `disconnect()` per authorization server whose access tokens cannot be revoked (`unsupported_token_type`, RFC 7009 §2.2.1; oidc-provider answers so for JWT access tokens). The kit remembers the answer for 30 days and does not ask again.',
  },
]
