/**
 * Which endpoint a path is, for switching its CORS headers off: protected resource metadata
 * (RFC 9728), authorization server metadata (RFC 8414 / OIDC discovery), the token and
 * registration endpoints (oidc-provider's default routes) and the MCP endpoint.
 * @param {string} path
 * @returns {import('./index.mjs').CorsEndpoint | undefined}
 */
function endpointOf(path) {
  if (path.startsWith('/.well-known/oauth-protected-resource')) return 'resource-metadata'
  if (
    path.startsWith('/.well-known/oauth-authorization-server') ||
    path.startsWith('/.well-known/openid-configuration')
  ) {
    return 'authorization-server-metadata'
  }
  if (path === '/token') return 'token'
  if (path === '/reg') return 'registration'
  if (/^\/mcp(?:\/\d+)?$/.test(path)) return 'mcp'
  return undefined
}

/**
 * Wraps a request handler so that the endpoints in `off` answer without any
 * `Access-Control-*` header, as a server without CORS support would: the request (or its
 * preflight) still reaches the server, and the browser refuses to hand the response to the page.
 * @param {import('node:http').RequestListener} handler
 * @param {{ has(endpoint: string): boolean }} off
 * @returns {import('node:http').RequestListener}
 */
export function corsSwitch(handler, off) {
  return (req, res) => {
    const endpoint = endpointOf(new URL(req.url ?? '/', 'http://stack').pathname)
    if (endpoint && off.has(endpoint)) dropCorsHeaders(res)
    handler(req, res)
  }
}

/**
 * Wraps a request handler so that nothing it answers carries an `Access-Control-*` header, on
 * any path, preflights included: a server with no CORS support at all, like GitHub's
 * authorization server.
 * @param {import('node:http').RequestListener} handler
 * @returns {import('node:http').RequestListener}
 */
export function withoutCors(handler) {
  return (req, res) => {
    dropCorsHeaders(res)
    handler(req, res)
  }
}

/** @param {import('node:http').ServerResponse} res */
function dropCorsHeaders(res) {
  const setHeader = res.setHeader.bind(res)
  res.setHeader = (name, value) => (/^access-control-/i.test(name) ? res : setHeader(name, value))
}
