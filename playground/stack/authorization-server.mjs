import { randomBytes, randomUUID } from 'node:crypto'
import cors from 'cors'
import express from 'express'
import { exportJWK, generateKeyPair } from 'jose'
import { metadataDocumentAdapter } from './metadata-documents.mjs'
import { isLoopbackOrigin } from './net.mjs'
import Provider, { errors } from './oidc-provider.mjs'
import { renderConsent, renderLogin } from './pages.mjs'
import { refusingIdFactory } from './registration-policies.mjs'

export const MCP_SCOPES = ['mcp:read', 'mcp:write', 'mcp:admin']

/**
 * @typedef {object} AuthorizationServerOptions
 * @property {string} issuer          Its own URL (http://127.0.0.1:port).
 * @property {boolean} registration    Whether dynamic client registration (RFC 7591) is open.
 * @property {number} accessTokenTtl  Access token lifetime, in seconds.
 * @property {import('oidc-provider').ClientMetadata[]} [clients]  Pre-registered clients.
 * @property {boolean} [autoConsent]  Skip the login and consent pages (headless scripts).
 * @property {() => boolean} coop     Whether pages send `Cross-Origin-Opener-Policy: same-origin`.
 * @property {boolean} [dpop]         Bind tokens to DPoP proofs (RFC 9449), nonces required (§8).
 * @property {import('./registration-policies.mjs').RegistrationPolicy} [registrationPolicy]
 *   Refuses some registration requests (RFC 7591 §3.2.2), as real servers do.
 * @property {boolean} [metadataDocuments]  Accept clients by their client ID metadata document
 *   (draft-ietf-oauth-client-id-metadata-document), fetched from loopback URLs.
 * @property {string[]} [allowedHeaders]  The request headers its CORS preflight allows; default
 *   Authorization, Content-Type, MCP-Protocol-Version and DPoP.
 * @property {boolean} [cors]         Answer browsers with CORS headers (default true).
 * @property {string[]} [clientAuthMethods]  Token endpoint client authentication methods it accepts.
 */

/** Counters that tests and benchmarks read. */
export function emptyStats() {
  return {
    /** Successful token responses by grant type. */
    grants: { authorization_code: 0, refresh_token: 0 },
    /**
     * Every token request that reached the server, whatever it answered, by grant type (`other`:
     * none or another). A request whose preflight CORS refused never gets here.
     */
    tokenRequests: { authorization_code: 0, refresh_token: 0, other: 0 },
    /** Token requests answered `invalid_grant`. */
    invalidGrants: 0,
    registrations: 0,
    /** Every request to the registration endpoint, whatever the answer. */
    registrationRequests: 0,
    /** Client ID metadata documents fetched. */
    documentFetches: 0,
    revocations: 0,
    /** Token and revocation requests by the client authentication they carried. */
    clientAuthentications: { client_secret_basic: 0, client_secret_post: 0 },
    /** Metadata requests by path. */
    metadata: /** @type {Record<string, number>} */ ({}),
  }
}

/**
 * A real OAuth 2.1 authorization server (oidc-provider): PKCE required, resource indicators
 * (RFC 8707) issuing JWT access tokens whose audience is the resource, rotating refresh tokens,
 * revocation (RFC 7009), RFC 9207 `iss`, and a login + consent page for a demo user.
 * @param {AuthorizationServerOptions} options
 */
export async function createAuthorizationServer(options) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' }
  const stats = emptyStats()

  const provider = new Provider(options.issuer, {
    clients: options.clients ?? [],
    ...(options.metadataDocuments
      ? {
          adapter: metadataDocumentAdapter(() => {
            stats.documentFetches += 1
          }),
          discovery: { client_id_metadata_document_supported: true },
        }
      : {}),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomUUID(), randomUUID()] },
    scopes: ['openid', 'offline_access', ...MCP_SCOPES],
    claims: { openid: ['sub'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    pkce: { required: () => true },
    clientBasedCORS: () => options.cors !== false,
    ...(options.clientAuthMethods ? { clientAuthMethods: options.clientAuthMethods } : {}),
    // Public browser clients get refresh tokens whether or not they ask for offline_access.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh rotates; a reused refresh token is `invalid_grant` (OAuth 2.1 §4.3.1).
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: options.accessTokenTtl,
      AuthorizationCode: 60,
      Grant: 3600,
      Interaction: 600,
      RefreshToken: 86_400,
      Session: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      registration: {
        enabled: options.registration,
        ...(options.registrationPolicy
          ? { idFactory: refusingIdFactory(options.registrationPolicy) }
          : {}),
      },
      revocation: { enabled: true },
      // oidc-provider enables DPoP by default; the other demo issuers stay bearer-only.
      dPoP: options.dpop
        ? { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true }
        : { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          const url = URL.parse(resource)
          if (url?.hostname !== '127.0.0.1') throw new errors.InvalidTarget()
          return {
            scope: MCP_SCOPES.join(' '),
            audience: resource,
            accessTokenTTL: options.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
  })

  // Counters, read after oidc-provider answered.
  provider.use(async (ctx, next) => {
    await next()
    const route = ctx.oidc?.route
    if ((route === 'token' || route === 'revocation') && ctx.method === 'POST') {
      if (/^basic /i.test(ctx.get('authorization')))
        stats.clientAuthentications.client_secret_basic += 1
      else if (ctx.oidc.body?.client_secret) stats.clientAuthentications.client_secret_post += 1
    }
    if (ctx.path.startsWith('/.well-known/')) {
      stats.metadata[ctx.path] = (stats.metadata[ctx.path] ?? 0) + 1
    } else if (route === 'token') {
      const grant = ctx.oidc.params?.grant_type
      stats.tokenRequests[grant in stats.grants ? grant : 'other'] += 1
      if (ctx.status === 200 && grant in stats.grants) stats.grants[grant] += 1
      if (ctx.body?.error === 'invalid_grant') stats.invalidGrants += 1
    } else if (route === 'registration' && ctx.status === 201) {
      stats.registrations += 1
    } else if (route === 'revocation' && ctx.method === 'POST') {
      stats.revocations += 1
    }
  })

  const app = express()
  app.disable('x-powered-by')
  app.use((req, res, next) => {
    if (options.coop()) res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    if (req.method === 'POST' && req.path === '/reg') stats.registrationRequests += 1
    next()
  })
  // Browser clients on loopback call metadata, registration, token and revocation directly.
  if (options.cors !== false)
    app.use(
      cors({
        origin: (origin, callback) => callback(null, !origin || isLoopbackOrigin(origin)),
        allowedHeaders: options.allowedHeaders ?? [
          'Authorization',
          'Content-Type',
          'MCP-Protocol-Version',
          'DPoP',
        ],
        // A browser reads a nonce (RFC 9449 §8) only when it is exposed.
        exposedHeaders: ['DPoP-Nonce', 'WWW-Authenticate'],
        methods: ['GET', 'POST', 'OPTIONS'],
        maxAge: 600,
      }),
    )
  // RFC 8414 metadata at its own well-known URL, from the same document as OIDC discovery.
  app.get('/.well-known/oauth-authorization-server', (req, _res, next) => {
    req.url = '/.well-known/openid-configuration'
    next()
  })

  const form = express.urlencoded({ extended: false })
  app.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res)
      if (options.autoConsent) return await finish(req, res, details, 'demo')
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.setHeader('cache-control', 'no-store')
      if (details.prompt.name === 'login') {
        res.end(renderLogin(details.uid))
      } else {
        const client = await provider.Client.find(String(details.params.client_id))
        res.end(
          renderConsent({
            uid: details.uid,
            clientName: client?.clientName ?? String(details.params.client_id),
            scopes: String(details.params.scope ?? '')
              .split(' ')
              .filter(Boolean),
            resource: String(details.params.resource ?? ''),
          }),
        )
      }
    } catch (error) {
      next(error)
    }
  })
  app.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const login = String(req.body?.login ?? '').trim() || 'demo'
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      )
    } catch (error) {
      next(error)
    }
  })
  app.post('/interaction/:uid/confirm', form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res)
      if (req.body?.decision !== 'allow') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'The user denied the request' },
          { mergeWithLastSubmission: false },
        )
        return
      }
      await finish(req, res, details, details.session?.accountId ?? 'demo')
    } catch (error) {
      next(error)
    }
  })
  app.use(provider.callback())

  /** Grants what the request asks for (RFC 6749 §3.3) and resumes the authorization. */
  async function finish(req, res, details, accountId) {
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId } })
      return
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) })
    const missing = details.prompt.details
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '))
    }
    const grantId = await grant.save()
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    )
  }

  return { app, provider, stats }
}
