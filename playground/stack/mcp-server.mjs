import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import cors from 'cors'
import express from 'express'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { z } from 'zod'
import { standardHeaders } from './mcp-headers.mjs'
import { isLoopbackOrigin } from './net.mjs'

/**
 * @typedef {'oauth' | 'stepUp' | 'open' | 'token' | 'hiddenChallenge'} Variant
 * @typedef {object} McpServerOptions
 * @property {Variant} variant
 * @property {string} origin          Its own origin; the resource is `${origin}/mcp`, and every
 *                                    `${origin}/mcp/<n>` is one more server of the same variant.
 * @property {string} [issuer]        The authorization server whose JWTs it accepts.
 * @property {string} [staticToken]   For the `token` variant.
 * @property {string} name            Human-readable name, published as `resource_name`.
 * @property {{ accepted: number, refused: number }} [standardHeaders]  When given, the server
 *   requires the 2026-07-28 `Mcp-Method` / `Mcp-Name` headers on authorized POSTs (SEP-2243),
 *   counts what it accepted and refused here, and its preflight still does not allow them.
 */

const ADMIN_SCOPE = 'mcp:admin'
const BASE_SCOPE = 'mcp:read'

/** A tiny MCP server with harmless tools, built with the official SDK. */
/** Answers one request with a fresh stateless server: no session, JSON responses. */
export async function answerStateless(server, req, res) {
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  })
  res.on('close', () => {
    transport.close()
    server.close()
  })
  await server.connect(transport)
  await transport.handleRequest(req, res, req.body)
}

export function buildServer(name, variant) {
  const server = new McpServer({ name, version: '1.0.0' })
  server.registerTool(
    'echo',
    {
      description: 'Echoes the text back',
      inputSchema: { text: z.string().describe('What to echo') },
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  )
  server.registerTool('time', { description: 'The server time, in ISO 8601' }, async () => ({
    content: [{ type: 'text', text: new Date().toISOString() }],
  }))
  if (variant === 'stepUp') {
    server.registerTool(
      'admin_action',
      { description: `An administrative action; needs the ${ADMIN_SCOPE} scope` },
      async () => ({ content: [{ type: 'text', text: 'Admin action done' }] }),
    )
  }
  return server
}

/**
 * A real MCP server (Streamable HTTP, stateless) in one of the demo variants:
 * - `oauth`: bearer JWTs from the issuer, audience = this resource (RFC 9068, RFC 8707);
 * - `stepUp`: like `oauth`, and `admin_action` answers 403 `insufficient_scope` without mcp:admin;
 * - `hiddenChallenge`: like `oauth`, but `WWW-Authenticate` is not exposed to browsers (CORS);
 * - `token`: a static bearer token, no OAuth metadata at all;
 * - `open`: no authorization.
 * @param {McpServerOptions} options
 */
export function createMcpServer(options) {
  const { variant, origin, issuer } = options
  const PRM_PATH = '/.well-known/oauth-protected-resource'
  // `/mcp`, and `/mcp/1`, `/mcp/2`, ...: every numbered path is one more server on the issuer.
  const MCP_PATH = /^\/mcp(?:\/\d+)?$/
  const resourceOf = (path) => `${origin}${path}`
  const metadataUrlOf = (path) => `${origin}${PRM_PATH}${path}`
  const usesOAuth = variant === 'oauth' || variant === 'stepUp' || variant === 'hiddenChallenge'
  const jwks = usesOAuth ? createRemoteJWKSet(new URL(`${issuer}/jwks`)) : undefined
  const exposed =
    variant === 'hiddenChallenge' ? ['Mcp-Session-Id'] : ['WWW-Authenticate', 'Mcp-Session-Id']

  const app = express()
  app.disable('x-powered-by')
  app.use(
    cors({
      origin: (requestOrigin, callback) =>
        callback(null, !requestOrigin || isLoopbackOrigin(requestOrigin)),
      exposedHeaders: exposed,
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'MCP-Protocol-Version',
        // MCP 2026-07-28 request metadata (Streamable HTTP, "Standard Request Headers"), which
        // the server that requires them leaves out: like many servers' preflights in 2026.
        ...(options.standardHeaders ? [] : ['Mcp-Method', 'Mcp-Name']),
        'Mcp-Session-Id',
        'Last-Event-ID',
        'Accept',
      ],
      methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    }),
  )

  if (usesOAuth) {
    // RFC 9728 protected resource metadata, at the path-aware well-known URL.
    app.get(new RegExp(`^${PRM_PATH}/mcp(?:/\\d+)?$`), (req, res) => {
      res.json({
        resource: resourceOf(req.path.slice(PRM_PATH.length)),
        resource_name: options.name,
        authorization_servers: [issuer],
        scopes_supported: variant === 'stepUp' ? [BASE_SCOPE, ADMIN_SCOPE] : [BASE_SCOPE],
        bearer_methods_supported: ['header'],
      })
    })
  }

  const challenge = (path, extra = '') =>
    usesOAuth
      ? `Bearer resource_metadata="${metadataUrlOf(path)}", scope="${BASE_SCOPE}"${extra}`
      : 'Bearer realm="mcp"'

  /** Verifies the bearer token; answers 401 itself and returns undefined when it is not valid. */
  async function authenticate(req, res) {
    const header = req.get('authorization') ?? ''
    const token = /^Bearer (.+)$/i.exec(header)?.[1]
    if (!token) {
      res.status(401).set('WWW-Authenticate', challenge(req.path)).json({ error: 'unauthorized' })
      return undefined
    }
    if (variant === 'token') {
      if (token === options.staticToken) return { scopes: [] }
      res.status(401).set('WWW-Authenticate', 'Bearer realm="mcp", error="invalid_token"').end()
      return undefined
    }
    try {
      const audience = resourceOf(req.path)
      const { payload } = await jwtVerify(token, jwks, { issuer, audience })
      return {
        scopes: String(payload.scope ?? '')
          .split(' ')
          .filter(Boolean),
      }
    } catch {
      res
        .status(401)
        .set('WWW-Authenticate', challenge(req.path, ', error="invalid_token"'))
        .json({ error: 'invalid_token' })
      return undefined
    }
  }

  app.post(MCP_PATH, express.json(), async (req, res) => {
    if (variant !== 'open') {
      const auth = await authenticate(req, res)
      if (!auth) return
      if (options.standardHeaders && !hasStandardHeaders(req, res, options.standardHeaders)) return
      const calls = Array.isArray(req.body) ? req.body : [req.body]
      const wantsAdmin = calls.some(
        (call) => call?.method === 'tools/call' && call?.params?.name === 'admin_action',
      )
      if (variant === 'stepUp' && wantsAdmin && !auth.scopes.includes(ADMIN_SCOPE)) {
        res
          .status(403)
          .set(
            'WWW-Authenticate',
            `Bearer error="insufficient_scope", scope="${BASE_SCOPE} ${ADMIN_SCOPE}", resource_metadata="${metadataUrlOf(req.path)}"`,
          )
          .json({ error: 'insufficient_scope' })
        return
      }
    }
    await answerStateless(buildServer(options.name, variant), req, res)
  })
  // Stateless: no server-initiated stream and no session to delete.
  app.all(MCP_PATH, (_req, res) => {
    res.status(405).set('Allow', 'POST').end()
  })

  return app
}

/**
 * Whether a request carries the standard headers its JSON-RPC message calls for (SEP-2243);
 * answers 400 with JSON-RPC error -32001 (header mismatch) itself when it does not.
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 * @param {{ accepted: number, refused: number }} stats
 */
function hasStandardHeaders(req, res, stats) {
  const expected = standardHeaders(req.body)
  const wrong = Object.entries(expected).find(([name, value]) => req.get(name) !== value)
  if (!wrong) {
    stats.accepted += 1
    return true
  }
  stats.refused += 1
  res.status(400).json({
    jsonrpc: '2.0',
    id: req.body?.id ?? null,
    error: { code: -32001, message: `Header mismatch: ${wrong[0]} must be ${wrong[1]}` },
  })
  return false
}
