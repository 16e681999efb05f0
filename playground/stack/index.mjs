import { randomBytes } from 'node:crypto'
import { createAuthorizationServer } from './authorization-server.mjs'
import { corsSwitch } from './cors-switch.mjs'
import { createDpopMcpServer } from './dpop-mcp-server.mjs'
import { createMcpServer } from './mcp-server.mjs'
import { listen as listenOn } from './net.mjs'

export { headlessDriver } from './headless-driver.mjs'

/**
 * The loopback demo stack: a real authorization server, a second one without registration, and
 * real MCP servers, each on 127.0.0.1 and a free port, or on consecutive ports from
 * `basePort` in the order they start.
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

    // The "type a client ID" case: no registration endpoint, one public client.
    const second = await listen()
    closers.push(second.close)
    const clientId = 'mcp-oauth-demo-client'
    const secondAs = await createAuthorizationServer({
      issuer: second.origin,
      registration: false,
      accessTokenTtl,
      autoConsent: options.autoConsent ?? false,
      coop: () => coop,
      clients: [
        {
          client_id: clientId,
          client_name: 'Pre-registered demo client',
          token_endpoint_auth_method: 'none',
          application_type: 'native',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: redirectUris.length ? redirectUris : ['http://127.0.0.1/oauth/callback'],
        },
      ],
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
    for (const [key, config] of Object.entries(variants)) {
      const http = await listen()
      closers.push(http.close)
      http.setHandler(corsSwitch(createMcpServer({ ...config, origin: http.origin }), corsOff))
      servers[key] = `${http.origin}/mcp`
    }

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

    return {
      issuer: main.origin,
      secondIssuer: second.origin,
      servers: /** @type {import('./index.mjs').Stack['servers']} */ (servers),
      staticToken,
      preRegisteredClient: { issuer: second.origin, clientId },
      stats: () => structuredClone(as.stats),
      secondStats: () => structuredClone(secondAs.stats),
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
