import type { AuthorizationDriver } from '@mcp-oauth/core'
import { HttpResponse, http } from 'msw'

/**
 * A fake world for unit tests, served through msw: one MCP server, its protected resource
 * metadata, and one authorization server with registration, token and revocation endpoints.
 * Every request is logged; behaviour can change mid-test through `world.options`.
 */
export interface WorldOptions {
  resource: string
  issuer: string
  /** The 401 challenge; `null` sends none. */
  challenge: string | null
  /** Fields of the protected resource metadata; `null` serves none. */
  prm: Record<string, unknown> | null
  /** Where the PRM is served: the path-aware URL (default) or the root one. */
  prmAt: 'path' | 'root'
  /** Fields merged into the AS metadata; `null` serves none. */
  as: Record<string, unknown> | null
  /** Which well-known URL serves the AS metadata. */
  asAt: 'oauth' | 'oidc'
  accessTokenTtl: number
  /** How the token endpoint answers refresh requests. */
  refresh: 'ok' | 'no-refresh-token' | 'invalid_grant' | 'server-error' | 'network-error'
  /** Milliseconds the token endpoint waits before answering. */
  tokenDelay: number
  /** Scope the token endpoint reports as granted; defaults to the requested one. */
  grantedScope: string | undefined
  /** Whether the MCP server accepts valid tokens (false: 401 invalid_token for all). */
  acceptTokens: boolean
  /** Tool names that need the `admin` scope (403 insufficient_scope otherwise). */
  adminTools: string[]
  /** How the registration endpoint answers; `forbidden` is a 403 (an app its owner did not approve). */
  registration: 'ok' | 'invalid_redirect_uri' | 'forbidden' | 'server-error'
  /** How the revocation endpoint answers; `unsupported_token_type` refuses access tokens. */
  revocation: 'ok' | 'server-error' | 'network-error' | 'unsupported_token_type'
  /** The `token_type` a token request gets; the resource takes a token only with that scheme. */
  tokenType: (request: Request) => 'Bearer' | 'DPoP'
}

export interface LoggedRequest {
  method: string
  url: string
  headers: Headers
  body: string
}

export function createWorld(overrides: Partial<WorldOptions> = {}) {
  const resource = overrides.resource ?? 'https://mcp.example.com/mcp'
  const issuer = overrides.issuer ?? 'https://auth.example.com'
  const resourceOrigin = new URL(resource).origin
  const prmPathUrl = `${resourceOrigin}/.well-known/oauth-protected-resource${new URL(resource).pathname.replace(/\/$/, '')}`
  const prmRootUrl = `${resourceOrigin}/.well-known/oauth-protected-resource`
  const options: WorldOptions = {
    resource,
    issuer,
    challenge: `Bearer resource_metadata="${prmPathUrl}", scope="read"`,
    prm: { resource, authorization_servers: [issuer], scopes_supported: ['read', 'admin'] },
    prmAt: 'path',
    as: {},
    asAt: 'oauth',
    accessTokenTtl: 3600,
    refresh: 'ok',
    tokenDelay: 0,
    grantedScope: undefined,
    acceptTokens: true,
    adminTools: ['admin'],
    registration: 'ok',
    revocation: 'ok',
    tokenType: () => 'Bearer',
    ...overrides,
  }
  const requests: LoggedRequest[] = []
  /** Access tokens the MCP server accepts, with their scopes and issuer. */
  const accessTokens = new Map<string, { scopes: string[]; issuer: string; type?: string }>()
  /** Live refresh tokens, with the scope they carry. */
  const refreshTokens = new Map<string, string>()
  /** Authorization codes handed out by the driver, with the requested scope. */
  const codes = new Map<string, string>()
  const revoked: string[] = []
  /** Clients this AS registered dynamically, with how they must authenticate. */
  const clients = new Map<string, { secret?: string; method: string }>()
  let counter = 0

  /** Origins this world's authorization server has used; other worlds serve the rest. */
  const asOrigins = new Set<string>()
  const ours = (request: Request) => {
    asOrigins.add(new URL(options.issuer).origin)
    return asOrigins.has(new URL(request.url).origin)
  }

  const log = async (request: Request) => {
    requests.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.method === 'GET' ? '' : await request.clone().text(),
    })
  }

  const asMetadata = () => {
    const base = options.issuer
    return {
      issuer: base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      registration_endpoint: `${base}/register`,
      revocation_endpoint: `${base}/revoke`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      scopes_supported: ['read', 'admin', 'offline_access'],
      authorization_response_iss_parameter_supported: true,
      ...options.as,
    }
  }

  const issue = (scope: string, issuer: string, type = 'Bearer') => {
    counter += 1
    const accessToken = `at-${counter}`
    const refreshToken = `rt-${counter}`
    accessTokens.set(accessToken, { scopes: scope.split(' ').filter(Boolean), issuer, type })
    refreshTokens.set(refreshToken, scope)
    return { accessToken, refreshToken }
  }

  /**
   * Client authentication at the token endpoint (RFC 6749 §2.3.1) for clients this AS
   * registered: the registered method, and only that one.
   */
  const authenticated = (request: Request, form: URLSearchParams) => {
    const basic = /^Basic (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
    const [basicId, basicSecret] = basic
      ? atob(basic)
          .split(':')
          .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
      : []
    const clientId = basicId ?? form.get('client_id') ?? ''
    const registered = clients.get(clientId)
    if (!registered) return true
    switch (registered.method) {
      case 'client_secret_basic':
        return basicSecret === registered.secret && !form.has('client_secret')
      case 'client_secret_post':
        return !basic && form.get('client_secret') === registered.secret
      default:
        return !basic && !form.has('client_secret')
    }
  }

  const handlers = [
    http.all(`${resourceOrigin}/*`, async ({ request }) => {
      await log(request)
      const url = new URL(request.url)
      if (request.method === 'GET' && url.href === prmPathUrl) {
        return options.prm && options.prmAt === 'path'
          ? HttpResponse.json(options.prm)
          : new HttpResponse(null, { status: 404 })
      }
      if (request.method === 'GET' && url.href === prmRootUrl) {
        return options.prm && options.prmAt === 'root'
          ? HttpResponse.json(options.prm)
          : new HttpResponse(null, { status: 404 })
      }
      if (request.method !== 'POST') return new HttpResponse(null, { status: 404 })
      const [, scheme, bearer] =
        /^(Bearer|DPoP) (.+)$/.exec(request.headers.get('authorization') ?? '') ?? []
      const found = bearer && options.acceptTokens ? accessTokens.get(bearer) : undefined
      // RFC 9449 §7.1: a bound token is taken only with the DPoP scheme, a bearer one only as Bearer.
      const known = found && (found.type ?? 'Bearer') === scheme ? found : undefined
      // The resource trusts only its current authorization server.
      const scopes = known?.issuer === options.issuer ? known.scopes : undefined
      if (!scopes) {
        const headers: Record<string, string> = {}
        if (bearer && options.acceptTokens) {
          // A server without OAuth metadata has no resource_metadata to point at.
          headers['www-authenticate'] = options.prm
            ? `Bearer error="invalid_token", resource_metadata="${prmPathUrl}"`
            : 'Bearer error="invalid_token"'
        } else if (options.challenge) {
          headers['www-authenticate'] = options.challenge
        }
        return HttpResponse.json({ error: 'unauthorized' }, { status: 401, headers })
      }
      const body = JSON.parse((await request.clone().text()) || '{}') as {
        id?: unknown
        method?: string
        params?: { name?: string }
      }
      const tool = body.method === 'tools/call' ? body.params?.name : undefined
      if (tool && options.adminTools.includes(tool) && !scopes.includes('admin')) {
        return HttpResponse.json(
          { error: 'insufficient_scope' },
          {
            status: 403,
            headers: {
              'www-authenticate': `Bearer error="insufficient_scope", scope="admin", resource_metadata="${prmPathUrl}"`,
            },
          },
        )
      }
      return HttpResponse.json({ jsonrpc: '2.0', id: body.id ?? null, result: { ok: true } })
    }),

    http.get(
      /\/\.well-known\/(oauth-authorization-server|openid-configuration)/,
      async ({ request }) => {
        if (!ours(request)) return undefined
        await log(request)
        const url = new URL(request.url)
        const issuerUrl = new URL(options.issuer)
        const path = issuerUrl.pathname.replace(/\/$/, '')
        const served =
          options.asAt === 'oauth'
            ? `${issuerUrl.origin}/.well-known/oauth-authorization-server${path}`
            : `${issuerUrl.origin}/.well-known/openid-configuration${path}`
        if (!options.as || url.href !== served) return new HttpResponse(null, { status: 404 })
        return HttpResponse.json(asMetadata())
      },
    ),

    http.post(/\/register$/, async ({ request }) => {
      if (!ours(request)) return undefined
      await log(request)
      if (options.registration === 'server-error') return new HttpResponse(null, { status: 503 })
      if (options.registration === 'invalid_redirect_uri') {
        return HttpResponse.json({ error: 'invalid_redirect_uri' }, { status: 400 })
      }
      if (options.registration === 'forbidden') return new HttpResponse(null, { status: 403 })
      const body = (await request.clone().json()) as Record<string, unknown>
      counter += 1
      const clientId = `client-${counter}`
      const method = String(body.token_endpoint_auth_method ?? 'client_secret_basic')
      const secret = method === 'none' ? undefined : `secret-${counter}`
      clients.set(clientId, { method, ...(secret ? { secret } : {}) })
      return HttpResponse.json(
        { ...body, client_id: clientId, ...(secret ? { client_secret: secret } : {}) },
        { status: 201 },
      )
    }),

    http.post(/\/token$/, async ({ request }) => {
      if (!ours(request)) return undefined
      await log(request)
      const form = new URLSearchParams(await request.clone().text())
      if (options.tokenDelay) await new Promise((r) => setTimeout(r, options.tokenDelay))
      if (!authenticated(request, form)) {
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 })
      }
      const grant = form.get('grant_type')
      let scope = ''
      if (grant === 'refresh_token') {
        if (options.refresh === 'network-error') return HttpResponse.error()
        if (options.refresh === 'server-error') {
          return HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 })
        }
        const presented = form.get('refresh_token') ?? ''
        const carried = refreshTokens.get(presented)
        if (options.refresh === 'invalid_grant' || carried === undefined) {
          return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
        }
        refreshTokens.delete(presented)
        scope = form.get('scope') ?? carried
      } else {
        const requested = codes.get(form.get('code') ?? '')
        codes.delete(form.get('code') ?? '')
        if (
          grant !== 'authorization_code' ||
          requested === undefined ||
          !form.get('code_verifier')
        ) {
          return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
        }
        scope = requested
      }
      scope = options.grantedScope ?? scope
      const tokenType = options.tokenType(request)
      const { accessToken, refreshToken } = issue(
        scope,
        request.url.replace(/\/token$/, ''),
        tokenType,
      )
      return HttpResponse.json({
        access_token: accessToken,
        token_type: tokenType,
        expires_in: options.accessTokenTtl,
        scope,
        ...(grant === 'refresh_token' && options.refresh === 'no-refresh-token'
          ? {}
          : { refresh_token: refreshToken }),
      })
    }),

    http.post(/\/revoke$/, async ({ request }) => {
      if (!ours(request)) return undefined
      await log(request)
      if (options.revocation === 'network-error') return HttpResponse.error()
      if (options.revocation === 'server-error') return new HttpResponse(null, { status: 503 })
      const form = new URLSearchParams(await request.clone().text())
      if (
        options.revocation === 'unsupported_token_type' &&
        accessTokens.has(form.get('token') ?? '')
      ) {
        return HttpResponse.json({ error: 'unsupported_token_type' }, { status: 400 })
      }
      revoked.push(form.get('token') ?? '')
      refreshTokens.delete(form.get('token') ?? '')
      accessTokens.delete(form.get('token') ?? '')
      return new HttpResponse(null, { status: 200 })
    }),
  ]

  /**
   * A headless driver that plays an authorization server redirecting at once. `iss` follows
   * RFC 9207 unless overridden; `extra` adds or replaces response parameters.
   */
  const driver =
    (response: { iss?: string | null; error?: string; state?: string } = {}): AuthorizationDriver =>
    async ({ url }) => {
      const request = new URL(url)
      requests.push({ method: 'NAVIGATE', url, headers: new Headers(), body: '' })
      // Like a real AS: the callback goes to the redirect_uri the authorization URL carries.
      const redirectUri = request.searchParams.get('redirect_uri')
      if (!redirectUri) throw new Error(`No redirect_uri in the authorization URL ${url}`)
      const callback = new URL(redirectUri)
      if (response.error) callback.searchParams.set('error', response.error)
      else {
        const code = `code-${++counter}`
        codes.set(code, request.searchParams.get('scope') ?? '')
        callback.searchParams.set('code', code)
      }
      callback.searchParams.set('state', response.state ?? request.searchParams.get('state') ?? '')
      const iss = response.iss === undefined ? options.issuer : response.iss
      if (iss !== null) callback.searchParams.set('iss', iss)
      return callback.href
    }

  const matching = (predicate: (r: LoggedRequest) => boolean) => requests.filter(predicate)
  return {
    options,
    requests,
    revoked,
    accessTokens,
    clients,
    handlers,
    driver,
    prmPathUrl,
    prmRootUrl,
    /** Requests whose URL contains `fragment` (and, optionally, whose method matches). */
    hits: (fragment: string, method?: string) =>
      matching((r) => r.url.includes(fragment) && (!method || r.method === method)),
    /** Token requests by grant type. */
    grants: (type: 'authorization_code' | 'refresh_token') =>
      matching(
        (r) => r.url.endsWith('/token') && new URLSearchParams(r.body).get('grant_type') === type,
      ),
    /** The authorization URLs the driver was sent to. */
    navigations: () => matching((r) => r.method === 'NAVIGATE').map((r) => new URL(r.url)),
  }
}

export type World = ReturnType<typeof createWorld>
