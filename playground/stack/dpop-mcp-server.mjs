import cors from 'cors'
import express from 'express'
import { createRemoteJWKSet } from 'jose'
import { DpopRefusal, dpopNonces, jtiCache, verifyDpopRequest } from './dpop-proof.mjs'
import { answerStateless, buildServer } from './mcp-server.mjs'
import { isLoopbackOrigin } from './net.mjs'

const SCOPE = 'mcp:read'

/**
 * An MCP server (official SDK, Streamable HTTP, stateless) that accepts only DPoP-bound JWT
 * access tokens of `issuer` (RFC 9449 §7): the SDK's bearer middleware knows only `Bearer`, so
 * requests go through {@link verifyDpopRequest}. It requires a nonce of its own (RFC 9449 §9):
 * a client is challenged once, then reuses the nonce until it expires.
 * @param {{ origin: string, issuer: string, name: string }} options
 */
export function createDpopMcpServer(options) {
  const { origin, issuer } = options
  const resource = `${origin}/mcp`
  const metadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`
  const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`))
  const nonces = dpopNonces()
  const jtis = jtiCache()
  /** Counters that tests read. */
  const stats = { accepted: 0, nonceChallenges: 0, refused: 0 }

  const app = express()
  app.disable('x-powered-by')
  app.use(
    cors({
      origin: (requestOrigin, callback) =>
        callback(null, !requestOrigin || isLoopbackOrigin(requestOrigin)),
      exposedHeaders: ['WWW-Authenticate', 'DPoP-Nonce', 'Mcp-Session-Id'],
      allowedHeaders: [
        'Authorization',
        'DPoP',
        'Content-Type',
        'MCP-Protocol-Version',
        // MCP 2026-07-28 request metadata (Streamable HTTP, "Standard Request Headers").
        'Mcp-Method',
        'Mcp-Name',
        'Mcp-Session-Id',
        'Last-Event-ID',
        'Accept',
      ],
      methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    }),
  )

  // RFC 9728 metadata, with the RFC 9449 §5.2-style resource parameters.
  app.get('/.well-known/oauth-protected-resource/mcp', (_req, res) => {
    res.json({
      resource,
      resource_name: options.name,
      authorization_servers: [issuer],
      scopes_supported: [SCOPE],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256'],
      dpop_bound_access_tokens_required: true,
    })
  })

  /** RFC 9449 §7.1: a `DPoP` challenge, with the error when there is one. */
  function refuse(res, refusal) {
    const params = [`algs="ES256"`, `resource_metadata="${metadataUrl}"`, `scope="${SCOPE}"`]
    if (refusal.error) {
      params.unshift(`error="${refusal.error}"`, `error_description="${refusal.message}"`)
    }
    if (refusal.error === 'use_dpop_nonce') {
      stats.nonceChallenges += 1
      res.set('DPoP-Nonce', nonces.issue())
    } else if (refusal.error) {
      stats.refused += 1
    }
    res
      .status(401)
      .set('WWW-Authenticate', `DPoP ${params.join(', ')}`)
      .json({ error: refusal.error ?? 'unauthorized' })
  }

  app.post('/mcp', express.json(), async (req, res) => {
    try {
      await verifyDpopRequest({
        authorization: req.get('authorization'),
        proof: req.headers.dpop,
        method: req.method,
        url: `${origin}${req.path}`,
        token: { issuer, audience: resource, keys },
        nonces,
        jtis,
      })
    } catch (error) {
      if (error instanceof DpopRefusal) return refuse(res, error)
      throw error
    }
    stats.accepted += 1
    await answerStateless(buildServer(options.name, 'oauth'), req, res)
  })
  app.all('/mcp', (_req, res) => {
    res.status(405).set('Allow', 'POST').end()
  })

  return { app, stats }
}
