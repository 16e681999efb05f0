import { randomBytes } from 'node:crypto'
import { createAuthorizationServer } from './authorization-server.mjs'
import { corsSwitch, withoutCors } from './cors-switch.mjs'
import { createDpopMcpServer } from './dpop-mcp-server.mjs'
import { createMcpServer } from './mcp-server.mjs'
import { listen as listenOn } from './net.mjs'
import { allowlistedClientNames, localhostRedirectsOnly } from './registration-policies.mjs'

export { headlessDriver } from './headless-driver.mjs'
export { standardHeaders, withStandardHeaders } from './mcp-headers.mjs'
export { RELAY_PATH, stackRelayHandler, startRelayHost } from './relay-host.mjs'

/**
 * The loopback demo stack: a real authorization server, a second one without registration, and
 * real MCP servers, each on 127.0.0.1 and a free port, or on consecutive ports from
 * `basePort` in the order they start. Three of them cannot be used from a browser without a
 * relay (@mcp-oauth/core/relay): a token endpoint without CORS, a confidential-client
 * authorization server without any CORS, and an MCP endpoint whose preflight refuses the
 * 2026-07-28 headers it requires. Three more refuse dynamic registration, or take client ID
 * metadata documents instead.
 * @param {import('./index.mjs').StackOptions} [options]
 * @returns {Promise<import('./index.mjs').Stack>}
 */
export async function startStack(options = {}) {
  let nextPort = options.basePort
  /** Every server of the stack starts here: the next fixed port, or a free one. */
  const listen = (handler) => listenOn(handler, nextPort === undefined ? 0 : nextPort++)
  const accessTokenTtl = options.accessTokenTtl ?? 300
  const redirectUris = options.redirectUris ?? []
  let coop = false
  /** Endpoints answering without CORS headers (`setCors`). */
  const corsOff = new Set()
  const closers = []

  try {
    const main = await listen()
    closers.push(main.close)
    const as = await createAuthorizationServer({
      issuer: main.origin,
      registration: true,
      accessTokenTtl,
      autoConsent: options.autoConsent ?? false,
      coop: () => coop,
    })
    main.setHandler(corsSwitch(as.app, corsOff))

    // The "type a client ID" case: no registration endpoint, one public client. The servers
    // that refuse registration (below) know the same client.
    const second = await listen()
    closers.push(second.close)
    const clientId = 'mcp-oauth-demo-client'
    const typedClients = [
      {
        client_id: clientId,
        client_name: 'Pre-registered demo client',
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris.length ? redirectUris : ['http://127.0.0.1/oauth/callback'],
      },
    ]
    const secondAs = await createAuthorizationServer({
      issuer: second.origin,
      registration: false,
      accessTokenTtl,
      autoConsent: options.autoConsent ?? false,
      coop: () => coop,
      clients: typedClients,
    })
    second.setHandler(corsSwitch(secondAs.app, corsOff))

    const staticToken = `demo-${randomBytes(12).toString('hex')}`
    const variants = {
      oauth: { variant: 'oauth', issuer: main.origin, name: 'Demo tools' },
      stepUp: { variant: 'stepUp', issuer: main.origin, name: 'Admin tools (step-up)' },
      open: { variant: 'open', name: 'Open tools' },
      token: { variant: 'token', name: 'Token-only tools', staticToken },
      hiddenChallenge: {
        variant: 'hiddenChallenge',
        issuer: main.origin,
        name: 'Hidden-challenge tools',
      },
      noRegistration: { variant: 'oauth', issuer: second.origin, name: 'Typed client ID tools' },
    }
    /** @type {Record<string, string>} */
    const servers = {}
    /** @param {Record<string, Omit<import('./mcp-server.mjs').McpServerOptions, 'origin'>>} list */
    const startMcpServers = async (list) => {
      for (const [key, config] of Object.entries(list)) {
        const http = await listen()
        closers.push(http.close)
        http.setHandler(corsSwitch(createMcpServer({ ...config, origin: http.origin }), corsOff))
        servers[key] = `${http.origin}/mcp`
      }
    }
    await startMcpServers(variants)

    // Sender-constrained tokens (RFC 9449): an issuer of its own, so the others stay bearer-only.
    const dpopIssuer = await listen()
    closers.push(dpopIssuer.close)
    const dpopAs = await createAuthorizationServer({
      issuer: dpopIssuer.origin,
      registration: true,
      accessTokenTtl,
      autoConsent: options.autoConsent ?? false,
      coop: () => coop,
      dpop: true,
    })
    dpopIssuer.setHandler(corsSwitch(dpopAs.app, corsOff))
    const dpopHttp = await listen()
    closers.push(dpopHttp.close)
    const dpopServer = createDpopMcpServer({
      origin: dpopHttp.origin,
      issuer: dpopIssuer.origin,
      name: 'DPoP-bound tools',
    })
    dpopHttp.setHandler(corsSwitch(dpopServer.app, corsOff))
    servers.dpop = `${dpopHttp.origin}/mcp`

    // Servers a browser cannot use without a relay (@mcp-oauth/core/relay). They start last, so
    // that the servers above keep their ports under `basePort`.

    // A token endpoint without CORS (GitHub's, Sentry's): the rest of its AS answers browsers.
    const tokenWithoutCors = await listen()
    closers.push(tokenWithoutCors.close)
    const tokenWithoutCorsAs = await createAuthorizationServer({
      issuer: tokenWithoutCors.origin,
      registration: true,
      accessTokenTtl,
      autoConsent: options.autoConsent ?? false,
      coop: () => coop,
    })
    tokenWithoutCors.setHandler(
      corsSwitch(tokenWithoutCorsAs.app, { has: (e) => e === 'token' || corsOff.has(e) }),
    )

    // Like GitHub's: no registration, pre-registered confidential clients only (a secret, by
    // Basic or in the form), and no CORS on any endpoint, metadata included. The secrets carry
    // characters that RFC 6749 §2.3.1 encoding must get right.
    const confidential = await listen()
    closers.push(confidential.close)
    const secret = () => `${randomBytes(12).toString('hex')} :%+/`
    const confidentialClients = {
      basic: {
        clientId: 'mcp-oauth-confidential-basic',
        clientSecret: secret(),
        authMethod: /** @type {const} */ ('client_secret_basic'),
      },
      post: {
        clientId: 'mcp-oauth-confidential-post',
        clientSecret: secret(),
        authMethod: /** @type {const} */ ('client_secret_post'),
      },
    }
    const confidentialAs = await createAuthorizationServer({
      issuer: confidential.origin,
      registration: false,
      cors: false,
      clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
      accessTokenTtl,
      autoConsent: options.autoConsent ?? false,
      coop: () => coop,
      clients: Object.values(confidentialClients).map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: 'Confidential demo client',
        token_endpoint_auth_method: client.authMethod,
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris.length ? redirectUris : ['http://127.0.0.1/oauth/callback'],
      })),
    })
    confidential.setHandler(withoutCors(confidentialAs.app))

    const standardHeaderStats = { accepted: 0, refused: 0 }
    await startMcpServers({
      tokenWithoutCors: {
        variant: 'oauth',
        issuer: tokenWithoutCors.origin,
        name: 'Token endpoint without CORS',
      },
      confidential: {
        variant: 'oauth',
        issuer: confidential.origin,
        name: 'Confidential client, no CORS',
      },
      // Requires Mcp-Method / Mcp-Name (SEP-2243), which its preflight does not allow.
      standardHeaders: {
        variant: 'oauth',
        issuer: main.origin,
        name: 'Strict MCP headers',
        standardHeaders: standardHeaderStats,
      },
    })

    // Registration refused (RFC 7591 §3.2.2): 403 unless the app's name is on the owner's list,
    // or 400 invalid_redirect_uri for any redirect URI but a localhost one; each knows the demo
    // client the user types instead. Then a server without registration that takes client ID
    // metadata documents: the app's URL is its client ID. Last, so the others keep their ports.
    /** An authorization server on its own port; its options besides the shared ones. */
    const startAs = async (config) => {
      const http = await listen()
      closers.push(http.close)
      const server = await createAuthorizationServer({
        issuer: http.origin,
        accessTokenTtl,
        autoConsent: options.autoConsent ?? false,
        coop: () => coop,
        ...config,
      })
      http.setHandler(corsSwitch(server.app, corsOff))
      return { issuer: http.origin, ...server }
    }
    const refusing = await startAs({
      registration: true,
      clients: typedClients,
      registrationPolicy: allowlistedClientNames(['Approved MCP client']),
    })
    const loopbackOnly = await startAs({
      registration: true,
      clients: typedClients,
      registrationPolicy: localhostRedirectsOnly(),
    })
    const documents = await startAs({ registration: false, metadataDocuments: true })
    await startMcpServers({
      registrationRefused: {
        variant: 'oauth',
        issuer: refusing.issuer,
        name: 'Approved apps only (registration refused)',
      },
      loopbackOnly: {
        variant: 'oauth',
        issuer: loopbackOnly.issuer,
        name: 'Localhost redirects only (registration refused)',
      },
      metadataDocument: {
        variant: 'oauth',
        issuer: documents.issuer,
        name: 'Client ID metadata documents only',
      },
    })

    // Like deployments of a popular MCP authorization server (better-auth 1.7): DPoP advertised
    // (ES256), and a CORS policy that allows only Authorization and Content-Type, so that a
    // browser may not send it a DPoP header. Its MCP server takes bearer tokens.
    const dpopHeaderRefused = await startAs({
      registration: true,
      dpop: true,
      allowedHeaders: ['Authorization', 'Content-Type'],
    })
    await startMcpServers({
      dpopHeaderRefused: {
        variant: 'oauth',
        issuer: dpopHeaderRefused.issuer,
        name: 'DPoP refused by CORS',
      },
    })

    // Every server of the stack, for the relay's allowlist: exact hosts, nothing else.
    const hosts = [
      main.origin,
      second.origin,
      dpopIssuer.origin,
      tokenWithoutCors.origin,
      confidential.origin,
      refusing.issuer,
      loopbackOnly.issuer,
      documents.issuer,
      dpopHeaderRefused.issuer,
      ...Object.values(servers),
    ].map((url) => new URL(url).host)

    return {
      issuer: main.origin,
      secondIssuer: second.origin,
      tokenWithoutCorsIssuer: tokenWithoutCors.origin,
      issuers: {
        registrationRefused: refusing.issuer,
        loopbackOnly: loopbackOnly.issuer,
        metadataDocument: documents.issuer,
      },
      confidentialIssuer: confidential.origin,
      confidentialClients,
      relayOptions: {
        allow: [...new Set(hosts)],
        allowLoopback: true,
        clients: { [confidential.origin]: confidentialClients.basic },
      },
      servers: /** @type {import('./index.mjs').Stack['servers']} */ (servers),
      staticToken,
      preRegisteredClient: { issuer: second.origin, clientId },
      stats: () => structuredClone(as.stats),
      secondStats: () => structuredClone(secondAs.stats),
      statsOf(issuer) {
        const server = [refusing, loopbackOnly, documents].find((s) => s.issuer === issuer)
        if (!server) throw new Error(`No authorization server ${issuer} in this stack`)
        return structuredClone(server.stats)
      },
      dpopStats: () => ({ ...structuredClone(dpopAs.stats), resource: { ...dpopServer.stats } }),
      tokenWithoutCorsStats: () => structuredClone(tokenWithoutCorsAs.stats),
      confidentialStats: () => structuredClone(confidentialAs.stats),
      standardHeadersStats: () => ({ ...standardHeaderStats }),
      dpopHeaderRefusedIssuer: dpopHeaderRefused.issuer,
      dpopHeaderRefusedStats: () => structuredClone(dpopHeaderRefused.stats),
      setCoop(on) {
        coop = on
      },
      setCors(endpoint, on) {
        if (on) corsOff.delete(endpoint)
        else corsOff.add(endpoint)
      },
      async close() {
        await Promise.all(closers.map((close) => close()))
      },
    }
  } catch (error) {
    await Promise.all(closers.map((close) => close()))
    throw error
  }
}
