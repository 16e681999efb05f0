import { createServer, type Server } from 'node:http'
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import {
  checkClientMetadataDocument,
  clientMetadataDocument,
} from '@mcp-oauth/core/client-metadata'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { headlessDriver, type Stack, startStack } from '../../playground/stack/index.mjs'

// Nothing listens at the redirect URIs: the headless driver stops at the redirect.
const redirectUri = 'http://127.0.0.1:53682/oauth/callback'
const localhostRedirect = 'http://localhost:53682/oauth/callback'

let stack: Stack
/** Where the app serves its client ID metadata document, as `clientMetadataDocument()` built it. */
let documentServer: Server
let metadataUrl: string
let documentRequests = 0

beforeAll(async () => {
  stack = await startStack({ redirectUris: [redirectUri] })
  let document = ''
  documentServer = createServer((req, res) => {
    documentRequests += 1
    if (req.url !== '/oauth/client.json') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' })
    res.end(document)
  })
  await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve))
  const address = documentServer.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  metadataUrl = `http://127.0.0.1:${address.port}/oauth/client.json`
  document = JSON.stringify(
    clientMetadataDocument({ redirectUri, client: { name: 'Document app', metadataUrl } }),
  )
})
afterAll(async () => {
  documentServer?.closeAllConnections()
  await new Promise((resolve) => documentServer?.close(resolve))
  await stack?.close()
})

function setup(options: { name?: string; redirect?: string; metadataUrl?: string } = {}) {
  return createMcpAuth({
    redirectUri: options.redirect ?? redirectUri,
    client: {
      name: options.name ?? 'integration tests',
      ...(options.metadataUrl ? { metadataUrl: options.metadataUrl } : {}),
    },
    storage: memoryStorage(),
    driver: headlessDriver(),
  })
}

/** A tool call through the handle: the MCP server's answer status. */
async function callTool(server: { fetch: typeof fetch; url: string }) {
  const response = await server.fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'hi' } },
    }),
  })
  await response.body?.cancel()
  return response.status
}

describe('registration refused by a real authorization server (RFC 7591 §3.2.2)', () => {
  test('403 for an app not on the allowlist: needs-client-id, then the typed client ID works', async () => {
    const issuer = stack.issuers.registrationRefused
    const before = stack.statsOf(issuer)
    const server = setup().server(stack.servers.registrationRefused)
    expect((await server.probe()).status).toBe('needs-authorization')
    await expect(server.authorize()).rejects.toMatchObject({
      code: 'registration_refused',
      details: { status: 403, reason: 'forbidden', error: 'access_denied' },
    })
    expect(server.getSnapshot()).toMatchObject({
      status: 'needs-client-id',
      error: { code: 'registration_refused' },
    })
    await server.submitClientId({ clientId: stack.preRegisteredClient.clientId })
    expect(await server.authorize()).toMatchObject({ status: 'authorized', registration: 'manual' })
    expect(await callTool(server)).toBe(200)
    const after = stack.statsOf(issuer)
    expect(after.registrationRequests - before.registrationRequests).toBe(1)
    expect(after.registrations - before.registrations).toBe(0)
  })

  test('the same server registers an app whose name is on its list', async () => {
    const issuer = stack.issuers.registrationRefused
    const before = stack.statsOf(issuer).registrations
    const server = setup({ name: 'Approved MCP client' }).server(stack.servers.registrationRefused)
    expect(await server.authorize()).toMatchObject({
      status: 'authorized',
      registration: 'dynamic',
    })
    expect(stack.statsOf(issuer).registrations - before).toBe(1)
  })

  test('invalid_redirect_uri for a redirect URI it does not take: needs-client-id, then authorized', async () => {
    const server = setup().server(stack.servers.loopbackOnly)
    await expect(server.authorize()).rejects.toMatchObject({
      code: 'registration_refused',
      details: { status: 400, reason: 'invalid_redirect_uri' },
    })
    expect(server.getSnapshot().status).toBe('needs-client-id')
    await server.submitClientId({ clientId: stack.preRegisteredClient.clientId })
    expect(await server.authorize()).toMatchObject({ status: 'authorized' })
  })

  test('the same server registers a localhost redirect URI', async () => {
    const issuer = stack.issuers.loopbackOnly
    const before = stack.statsOf(issuer).registrations
    const response = await fetch(`${issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [localhostRedirect],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      }),
    })
    expect(response.status).toBe(201)
    expect(stack.statsOf(issuer).registrations - before).toBe(1)
  })
})

describe('client ID metadata documents with a real authorization server', () => {
  test('authorized with the app’s own document; no registration request anywhere', async () => {
    const issuer = stack.issuers.metadataDocument
    const fetchesBefore = stack.statsOf(issuer).documentFetches
    const requestsBefore = documentRequests
    const server = setup({ name: 'Document app', metadataUrl }).server(
      stack.servers.metadataDocument,
    )
    expect(await server.probe()).toMatchObject({
      status: 'needs-authorization',
      registration: 'metadata-document',
    })
    expect(await server.authorize()).toMatchObject({
      status: 'authorized',
      registration: 'metadata-document',
    })
    expect(await callTool(server)).toBe(200)
    const stats = stack.statsOf(issuer)
    expect(stats.documentFetches).toBeGreaterThan(fetchesBefore)
    expect(documentRequests).toBeGreaterThan(requestsBefore)
    expect(stats.registrationRequests).toBe(0)
    expect(stats.grants.authorization_code).toBeGreaterThan(0)
  })

  test('the AS refuses an app whose document does not list its redirect URI', async () => {
    const server = setup({ redirect: localhostRedirect, metadataUrl }).server(
      stack.servers.metadataDocument,
    )
    await expect(server.authorize()).rejects.toThrow(/did not redirect|answered/)
  })

  test('checkClientMetadataDocument finds the served document fine, on loopback', async () => {
    const result = await checkClientMetadataDocument(metadataUrl, {
      redirectUri,
      client: { name: 'Document app', metadataUrl },
    })
    expect(result.ok).toBe(true)
    expect(result.findings.map((f) => f.code)).toEqual(['loopback_url'])
  })
})
