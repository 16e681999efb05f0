import { createServer, type Server } from 'node:http'
import { createMcpAuth, memoryStorage, type TokenStorage } from '@mcp-oauth/core'
import {
  createMcpRelay,
  nodeFetch,
  type RelayConfidentialClient,
  type RelayEvent,
  toNodeHandler,
} from '@mcp-oauth/core/relay'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import express from 'express'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  headlessDriver,
  type Stack,
  startRelayHost,
  startStack,
  withStandardHeaders,
} from '../../playground/stack/index.mjs'

/**
 * The relay on Node, in front of the demo stack: real requests from an MCP client (the kit's
 * core in Node, playing the page) through the relay on 127.0.0.1 to real authorization and MCP
 * servers, mounted with `node:http` and with Express. The page side here is a fetch that sends
 * every request through the relay, as a browser page would, with the page's Origin.
 */
const PAGE = 'http://127.0.0.1:53690'
const redirectUri = `${PAGE}/oauth/callback`

let stack: Stack
const closers: (() => Promise<void>)[] = []
let nodeRelay: string
let expressRelay: string
const expressEvents: RelayEvent[] = []

/** Express, with the relay mounted before any body parser, on 127.0.0.1 and a free port. */
async function startExpressRelay(client: RelayConfidentialClient): Promise<string> {
  const relay = createMcpRelay({
    ...stack.relayOptions,
    origins: [PAGE],
    clients: { [stack.confidentialIssuer]: client },
    fetch: nodeFetch,
    onEvent: (event) => expressEvents.push(event),
  })
  const app = express()
  app.all('/mcp-relay', toNodeHandler(relay))
  app.use(express.json())
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return `http://127.0.0.1:${address.port}/mcp-relay`
}

beforeAll(async () => {
  stack = await startStack({ redirectUris: [redirectUri] })
  closers.push(() => stack.close())
  const host = await startRelayHost(stack, { origins: [PAGE] })
  closers.push(host.close)
  nodeRelay = host.url
  expressRelay = await startExpressRelay(stack.confidentialClients.post)
})
afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

/** What the page received from the relay, every body and header, to look for secrets in. */
const pageSaw: string[] = []

/** A page's fetch that goes through the relay at `relay`, with the page's Origin. */
function throughRelay(relay: string): typeof fetch {
  return async (input, init = {}) => {
    const request = new Request(input, init)
    const headers = new Headers(request.headers)
    headers.set('origin', PAGE)
    const body = request.body ? await request.arrayBuffer() : undefined
    const response = await fetch(`${relay}?url=${encodeURIComponent(request.url)}`, {
      method: request.method,
      headers,
      ...(body ? { body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    })
    pageSaw.push(JSON.stringify([...response.headers]), await response.clone().text())
    return response
  }
}

const expire = (storage: TokenStorage, resource: string) =>
  storage
    .get(`tokens:${resource}`)
    .then((record) =>
      storage.set(`tokens:${resource}`, { ...(record as object), expiresAt: Date.now() - 1000 }),
    )

/**
 * Authorize, call a tool with the SDK client, reload with an expired token (the next call
 * refreshes), call again, disconnect: all through `relay`.
 */
async function journey(options: {
  relay: string
  server: string
  clientId?: string
  issuer?: string
  standardHeaders?: boolean
}) {
  const storage = memoryStorage()
  const page = () =>
    createMcpAuth({
      redirectUri,
      client: { name: 'relay integration test' },
      storage,
      fetch: throughRelay(options.relay),
      driver: headlessDriver(),
      ...(options.clientId && options.issuer
        ? { preRegistered: { [options.issuer]: { clientId: options.clientId } } }
        : {}),
    }).server(options.server)
  const callEcho = async (server: ReturnType<typeof page>, text: string) => {
    const fetchForSdk = options.standardHeaders ? withStandardHeaders(server.fetch) : server.fetch
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { fetch: fetchForSdk })
    const client = new Client({ name: 'relay integration test', version: '1.0.0' })
    await client.connect(transport)
    const result = await client.callTool({ name: 'echo', arguments: { text } })
    await client.close()
    expect(result.content).toEqual([{ type: 'text', text }])
  }

  const first = page()
  expect((await first.probe()).status).toBe('needs-authorization')
  expect((await first.authorize()).status).toBe('authorized')
  await callEcho(first, 'via the relay')

  await expire(storage, first.url)
  // A reloaded page reads the expired record: its first call refreshes.
  const reloaded = page()
  await callEcho(reloaded, 'after a refresh')
  await reloaded.disconnect()
  expect(reloaded.getSnapshot().status).not.toBe('authorized')
}

describe('the relay on node:http in front of the demo stack', () => {
  test('a confidential client (client_secret_basic, held by the relay) from probe to revocation', async () => {
    const before = stack.confidentialStats()
    await journey({
      relay: nodeRelay,
      server: stack.servers.confidential,
      issuer: stack.confidentialIssuer,
      clientId: stack.confidentialClients.basic.clientId,
    })
    const after = stack.confidentialStats()
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1)
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1)
    expect(after.invalidGrants).toBe(before.invalidGrants)
    // Revocation of both tokens, each authenticated; the code and the refresh too.
    expect(after.revocations - before.revocations).toBe(2)
    expect(
      after.clientAuthentications.client_secret_basic -
        before.clientAuthentications.client_secret_basic,
    ).toBe(4)
    expect(after.clientAuthentications.client_secret_post).toBe(0)
    expect(after.registrations).toBe(0)
  })

  test('without the secret, the same authorization server refuses the client', async () => {
    const relay = createMcpRelay({ ...stack.relayOptions, clients: {}, origins: [PAGE] })
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: 'anything',
      client_id: stack.confidentialClients.basic.clientId,
    })
    const response = await relay(
      new Request(
        `${PAGE}/mcp-relay?url=${encodeURIComponent(`${stack.confidentialIssuer}/token`)}`,
        {
          method: 'POST',
          headers: { origin: PAGE, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        },
      ),
    )
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual(expect.objectContaining({ error: 'invalid_client' }))
  })

  test('a token endpoint without CORS: registration, tokens and revocation through the relay', async () => {
    const before = stack.tokenWithoutCorsStats()
    await journey({ relay: nodeRelay, server: stack.servers.tokenWithoutCors })
    const after = stack.tokenWithoutCorsStats()
    expect(after.registrations - before.registrations).toBe(1)
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1)
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1)
  })

  test('an MCP endpoint that requires Mcp-Method / Mcp-Name gets them through the relay', async () => {
    const before = stack.standardHeadersStats()
    await journey({
      relay: nodeRelay,
      server: stack.servers.standardHeaders,
      standardHeaders: true,
    })
    const after = stack.standardHeadersStats()
    expect(after.refused).toBe(before.refused)
    // Twice initialize, notifications/initialized and tools/call, all with their headers.
    expect(after.accepted - before.accepted).toBe(6)
  })

  test('that endpoint refuses a client without the headers (400, -32001)', async () => {
    const before = stack.standardHeadersStats()
    await expect(
      journey({ relay: nodeRelay, server: stack.servers.standardHeaders }),
    ).rejects.toThrow(/-32001|Header mismatch/)
    expect(stack.standardHeadersStats().refused - before.refused).toBe(1)
  })

  test('the relay host refuses other origins and targets outside the stack', async () => {
    const outside = await fetch(
      `${nodeRelay}?url=${encodeURIComponent('http://127.0.0.1:9/anything')}`,
      { headers: { origin: PAGE } },
    )
    expect(outside.status).toBe(403)
    expect(outside.headers.get('mcp-relay-error')).toBe('target_not_allowed')
    expect(outside.headers.get('access-control-allow-origin')).toBe(PAGE)

    const stranger = await fetch(`${nodeRelay}?url=${encodeURIComponent(stack.servers.oauth)}`, {
      headers: { origin: 'http://127.0.0.1:1' },
    })
    expect(stranger.status).toBe(403)
    expect(stranger.headers.get('mcp-relay-error')).toBe('origin_not_allowed')
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull()

    const preflight = await fetch(`${nodeRelay}?url=${encodeURIComponent(stack.servers.oauth)}`, {
      method: 'OPTIONS',
      headers: {
        origin: PAGE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'mcp-method, mcp-name',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toContain('mcp-method')

    const other = await fetch(nodeRelay.replace('/mcp-relay', '/elsewhere'))
    expect(other.status).toBe(404)
  })
})

describe('the relay in Express in front of the demo stack', () => {
  test('a confidential client (client_secret_post) from probe to revocation, nodeFetch pinning addresses', async () => {
    const before = stack.confidentialStats()
    expressEvents.length = 0
    await journey({
      relay: expressRelay,
      server: stack.servers.confidential,
      issuer: stack.confidentialIssuer,
      clientId: stack.confidentialClients.post.clientId,
    })
    const after = stack.confidentialStats()
    expect(after.grants.authorization_code - before.grants.authorization_code).toBe(1)
    expect(after.grants.refresh_token - before.grants.refresh_token).toBe(1)
    expect(
      after.clientAuthentications.client_secret_post -
        before.clientAuthentications.client_secret_post,
    ).toBe(4)
    expect(
      expressEvents
        .filter((event) => event.clientAuthentication === 'client_secret_post')
        .map((event) => event.outcome),
    ).toEqual(Array(4).fill('forwarded'))
    // Everything was forwarded, but for the SDK's GET stream: the client closes it, and on a busy
    // machine that can be before the target answered, which the relay reports as `aborted`.
    const notForwarded = expressEvents.filter((event) => event.outcome !== 'forwarded')
    for (const event of notForwarded)
      expect(event).toMatchObject({ method: 'GET', reason: 'aborted' })
  })

  test('a body parser after the relay does not reach its requests', async () => {
    const response = await fetch(`${expressRelay}?url=${encodeURIComponent(stack.servers.open)}`, {
      method: 'POST',
      headers: {
        origin: PAGE,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 7, result: {} })
  })
})

test('the page never saw a client secret', () => {
  expect(pageSaw.length).toBeGreaterThan(20)
  const seen = pageSaw.join('\n')
  for (const client of Object.values(stack.confidentialClients)) {
    expect(seen).not.toContain(client.clientSecret)
    expect(seen).not.toContain(encodeURIComponent(client.clientSecret))
  }
})
