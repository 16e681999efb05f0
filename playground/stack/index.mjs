import { randomBytes } from 'node:crypto'
import { createAuthorizationServer } from './authorization-server.mjs'
import { corsSwitch } from './cors-switch.mjs'
import { createDpopMcpServer } from './dpop-mcp-server.mjs'
import { createMcpServer } from './mcp-server.mjs'
import { listen as listenOn } from './net.mjs'
import { allowlistedClientNames, localhostRedirectsOnly } from './registration-policies.mjs'

export { headlessDriver } from './headless-driver.mjs'

/**
 * The loopback demo stack: a real authorization server, others without registration, refusing
 * it, or taking client ID metadata documents, and real MCP servers, each on 127.0.0.1 and a
 * free port, or on consecutive ports from `basePort` in the order they start.
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
    /** @type {Record<string, string>} */
    const servers = {}
    /** MCP servers of the demo variants, each on its own port, by key. */
    const startMcpServers = async (variants) => {
      for (const [key, config] of Object.entries(variants)) {
        const http = await listen()
        closers.push(http.close)
        http.setHandler(corsSwitch(createMcpServer({ ...config, origin: http.origin }), corsOff))
        servers[key] = `${http.origin}/mcp`
      }
    }

    const main = await startAs({ registration: true })
    // The "type a client ID" cases: each of these servers knows one public client, which its
    // owner gives to users.
    const clientId = 'mcp-oauth-demo-client'
    const clients = [
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
    // No registration endpoint at all.
    const second = await startAs({ registration: false, clients })

    const staticToken = `demo-${randomBytes(12).toString('hex')}`
    const variants = {
      oauth: { variant: 'oauth', issuer: main.issuer, name: 'Demo tools' },
      stepUp: { variant: 'stepUp', issuer: main.issuer, name: 'Admin tools (step-up)' },
      open: { variant: 'open', name: 'Open tools' },
      token: { variant: 'token', name: 'Token-only tools', staticToken },
      hiddenChallenge: {
        variant: 'hiddenChallenge',
        issuer: main.issuer,
        name: 'Hidden-challenge tools',
      },
      noRegistration: { variant: 'oauth', issuer: second.issuer, name: 'Typed client ID tools' },
    }
    await startMcpServers(variants)

    // Sender-constrained tokens (RFC 9449): an issuer of its own, so the others stay bearer-only.
    const dpopAs = await startAs({ registration: true, dpop: true })
    const dpopHttp = await listen()
    closers.push(dpopHttp.close)
    const dpopServer = createDpopMcpServer({
      origin: dpopHttp.origin,
      issuer: dpopAs.issuer,
      name: 'DPoP-bound tools',
    })
    dpopHttp.setHandler(corsSwitch(dpopServer.app, corsOff))
    servers.dpop = `${dpopHttp.origin}/mcp`

    // Registration refused (RFC 7591 §3.2.2): 403 unless the app's name is on the owner's list,
    // or 400 invalid_redirect_uri for any redirect URI but a localhost one. Started last, so
    // that the servers above keep their ports.
    const refusing = await startAs({
      registration: true,
      clients,
      registrationPolicy: allowlistedClientNames(['Approved MCP client']),
    })
    const loopbackOnly = await startAs({
      registration: true,
      clients,
      registrationPolicy: localhostRedirectsOnly(),
    })
    // No registration either, but client ID metadata documents: the app's URL is its client ID.
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

    return {
      issuer: main.issuer,
      secondIssuer: second.issuer,
      issuers: {
        registrationRefused: refusing.issuer,
        loopbackOnly: loopbackOnly.issuer,
        metadataDocument: documents.issuer,
      },
      servers: /** @type {import('./index.mjs').Stack['servers']} */ (servers),
      staticToken,
      preRegisteredClient: { issuer: second.issuer, clientId },
      stats: () => structuredClone(main.stats),
      secondStats: () => structuredClone(second.stats),
      statsOf(issuer) {
        const server = [refusing, loopbackOnly, documents].find((s) => s.issuer === issuer)
        if (!server) throw new Error(`No authorization server ${issuer} in this stack`)
        return structuredClone(server.stats)
      },
      dpopStats: () => ({ ...structuredClone(dpopAs.stats), resource: { ...dpopServer.stats } }),
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
