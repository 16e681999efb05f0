/**
 * The standard request headers of MCP 2026-07-28 (SEP-2243, Streamable HTTP): a POST carrying
 * one JSON-RPC request or notification mirrors its `method` in `Mcp-Method`, and the tool or
 * prompt name (`params.name`) or resource URI (`params.uri`) in `Mcp-Name`. No Node API: pages
 * of the tests can use it too.
 */

/** Methods whose target is named in `params.name`, and those named by `params.uri`. */
const BY_NAME = new Set(['tools/call', 'prompts/get'])
const BY_URI = new Set(['resources/read', 'resources/subscribe', 'resources/unsubscribe'])

/**
 * The headers one JSON-RPC message calls for: `{}` for a batch, a response, or anything that is
 * not a JSON-RPC message.
 * @param {unknown} message
 * @returns {{ 'mcp-method'?: string, 'mcp-name'?: string }}
 */
export function standardHeaders(message) {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return {}
  const { method, params } = /** @type {{ method?: unknown, params?: any }} */ (message)
  if (typeof method !== 'string') return {}
  const name = BY_NAME.has(method) ? params?.name : BY_URI.has(method) ? params?.uri : undefined
  return typeof name === 'string'
    ? { 'mcp-method': method, 'mcp-name': name }
    : { 'mcp-method': method }
}

/**
 * A fetch that adds the standard headers to each JSON-RPC POST, as a 2026-07-28 client does:
 * for the SDK's `StreamableHTTPClientTransport` (`{ fetch: withStandardHeaders(server.fetch) }`).
 * @param {typeof fetch} inner
 * @returns {typeof fetch}
 */
export function withStandardHeaders(inner) {
  return (input, init = {}) => {
    if ((init.method ?? 'GET').toUpperCase() !== 'POST' || typeof init.body !== 'string') {
      return inner(input, init)
    }
    let message
    try {
      message = JSON.parse(init.body)
    } catch {
      return inner(input, init)
    }
    const headers = new Headers(init.headers)
    for (const [name, value] of Object.entries(standardHeaders(message))) headers.set(name, value)
    return inner(input, { ...init, headers })
  }
}
