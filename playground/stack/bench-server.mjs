import { createHash, randomBytes } from 'node:crypto'
import { listen } from './net.mjs'

/**
 * A minimal loopback authorization server and MCP resource for measuring protocol costs, in one
 * of two layouts, with a fixed delay before every response (a stand-in for network latency):
 *
 * - `friendly`: metadata where the specifications look first. The 401 challenge carries
 *   `resource_metadata` (RFC 9728 §5.1), which is also the path-aware well-known URL; the
 *   authorization server metadata is at the RFC 8414 URL.
 * - `fallback`: metadata only at the places a client tries last. The 401 challenge has no
 *   `resource_metadata`; the path-aware well-known URL is a 404 and the document is at the root
 *   one; the authorization server metadata is only at the OpenID Connect Discovery URL.
 *
 * Every `/mcp/<n>` path is one more server on the same issuer.
 * The authorization endpoint approves at once (302 to the redirect URI with `code`, `state`,
 * `iss`), registration accepts any public client, the token endpoint checks PKCE S256. The MCP
 * endpoint (`/mcp`) answers a JSON-RPC `tools/call` of `admin_action` with 403
 * `insufficient_scope` unless the token holds `mcp:admin` (a step-up; the resource metadata
 * lists only `mcp:tools`, so the step-up scope is news to the client), anything else with 200.
 * @param {{ layout?: 'friendly' | 'fallback', delay?: number }} [options]
 */
export async function startBenchServer(options = {}) {
  const layout = options.layout ?? 'friendly'
  const delay = options.delay ?? 0
  const BASE = 'mcp:tools'
  const ADMIN = 'mcp:admin'
  const as = await listen()
  const mcp = await listen()
  const issuer = as.origin
  const resource = `${mcp.origin}/mcp`
  const prmPath = '/.well-known/oauth-protected-resource'
  /** `/mcp`, and `/mcp/1`, `/mcp/2`, ... for runs that need many servers on one issuer. */
  const isMcpPath = (path) => path === '/mcp' || /^\/mcp\/\d+$/.test(path)
  /** Where the resource metadata of the server at `path` is: path-aware, or the root one. */
  const prmUrlOf = (path) => `${mcp.origin}${prmPath}${layout === 'friendly' ? path : ''}`
  const asPath =
    layout === 'friendly'
      ? '/.well-known/oauth-authorization-server'
      : '/.well-known/openid-configuration'
  const codes = new Map()
  const tokens = new Map()
  const requests = []

  /** Sends after the configured delay. */
  const send = (res, status, body, headers = {}) =>
    setTimeout(() => {
      const json = body === undefined ? '' : JSON.stringify(body)
      res.writeHead(status, {
        ...(json ? { 'content-type': 'application/json' } : {}),
        'cache-control': 'no-store',
        ...headers,
      })
      res.end(json)
    }, delay)

  const readBody = (req) =>
    new Promise((resolve) => {
      let data = ''
      req.on('data', (chunk) => {
        data += chunk
      })
      req.on('end', () => resolve(data))
    })

  const issue = (scope, clientId) => {
    const accessToken = randomBytes(16).toString('hex')
    const refreshToken = randomBytes(16).toString('hex')
    tokens.set(accessToken, { scope, clientId, refreshToken })
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: refreshToken,
      scope,
    }
  }

  as.setHandler(async (req, res) => {
    const url = new URL(req.url, issuer)
    requests.push(`${req.method} ${url.pathname}`)
    const body = await readBody(req)
    if (req.method === 'GET' && url.pathname === asPath) {
      return send(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        registration_endpoint: `${issuer}/register`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: [BASE, ADMIN],
        authorization_response_iss_parameter_supported: true,
        // What OpenID Connect Discovery 1.0 §3 requires of a provider document.
        ...(layout === 'fallback'
          ? {
              jwks_uri: `${issuer}/jwks`,
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
            }
          : {}),
      })
    }
    if (req.method === 'POST' && url.pathname === '/register') {
      const metadata = JSON.parse(body || '{}')
      return send(res, 201, {
        ...metadata,
        client_id: `client-${randomBytes(6).toString('hex')}`,
        client_id_issued_at: Math.floor(Date.now() / 1000),
        token_endpoint_auth_method: 'none',
      })
    }
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const p = url.searchParams
      const redirect = new URL(p.get('redirect_uri') ?? '')
      const code = randomBytes(12).toString('hex')
      codes.set(code, {
        clientId: p.get('client_id'),
        challenge: p.get('code_challenge'),
        scope: p.get('scope') ?? BASE,
        redirectUri: p.get('redirect_uri'),
      })
      redirect.searchParams.set('code', code)
      if (p.has('state')) redirect.searchParams.set('state', p.get('state') ?? '')
      redirect.searchParams.set('iss', issuer)
      return send(res, 302, undefined, { location: redirect.href })
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const p = new URLSearchParams(body)
      if (p.get('grant_type') === 'authorization_code') {
        const grant = codes.get(p.get('code'))
        codes.delete(p.get('code'))
        const verifier = p.get('code_verifier') ?? ''
        const challenge = createHash('sha256').update(verifier).digest('base64url')
        if (
          !grant ||
          grant.challenge !== challenge ||
          grant.redirectUri !== p.get('redirect_uri')
        ) {
          return send(res, 400, { error: 'invalid_grant' })
        }
        return send(res, 200, issue(grant.scope, grant.clientId))
      }
      if (p.get('grant_type') === 'refresh_token') {
        const entry = [...tokens.values()].find((t) => t.refreshToken === p.get('refresh_token'))
        if (!entry) return send(res, 400, { error: 'invalid_grant' })
        return send(res, 200, issue(entry.scope, entry.clientId))
      }
      return send(res, 400, { error: 'unsupported_grant_type' })
    }
    return send(res, 404, undefined)
  })

  mcp.setHandler(async (req, res) => {
    const url = new URL(req.url, mcp.origin)
    requests.push(`${req.method} ${url.pathname}`)
    const body = await readBody(req)
    const described = url.pathname.slice(prmPath.length)
    const prmFound = layout === 'friendly' ? isMcpPath(described) : url.pathname === prmPath
    if (req.method === 'GET' && url.pathname.startsWith(prmPath) && prmFound) {
      return send(res, 200, {
        // At the root, one document covers every server: they all live under /mcp.
        resource: layout === 'friendly' ? `${mcp.origin}${described}` : resource,
        authorization_servers: [issuer],
        // The admin scope is revealed only by the step-up challenge.
        scopes_supported: [BASE],
        resource_name: `Bench tools (${layout})`,
      })
    }
    if (!isMcpPath(url.pathname)) return send(res, 404, undefined)
    const prmUrl = prmUrlOf(url.pathname)
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const granted = bearer ? tokens.get(bearer) : undefined
    if (!granted) {
      const challenge =
        layout === 'friendly'
          ? `Bearer resource_metadata="${prmUrl}", scope="${BASE}"`
          : `Bearer scope="${BASE}"`
      return send(res, 401, { error: 'unauthorized' }, { 'www-authenticate': challenge })
    }
    let message = {}
    try {
      message = JSON.parse(body || '{}')
    } catch {
      // not JSON-RPC: answered like any other call
    }
    const scopes = String(granted.scope).split(' ')
    if (message.params?.name === 'admin_action' && !scopes.includes(ADMIN)) {
      return send(
        res,
        403,
        { error: 'insufficient_scope' },
        {
          'www-authenticate': `Bearer error="insufficient_scope", scope="${BASE} ${ADMIN}"${
            layout === 'friendly' ? `, resource_metadata="${prmUrl}"` : ''
          }`,
        },
      )
    }
    return send(res, 200, { jsonrpc: '2.0', id: message.id ?? null, result: {} })
  })

  return {
    layout,
    issuer,
    resource,
    /** Every request the servers received, in order (`METHOD /path`). */
    requests,
    close: async () => {
      await Promise.all([as.close(), mcp.close()])
    },
  }
}
