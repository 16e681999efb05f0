#!/usr/bin/env node
// A client for the public MCP conformance suite, built only on the public API of
// @mcp-oauth/core (run `npm run build` first). Usage: node test/conformance/client.mjs <server-url>
//
// The runner sets MCP_CONFORMANCE_PROTOCOL_VERSION (the wire to speak) and, for some scenarios,
// MCP_CONFORMANCE_CONTEXT (pre-registered credentials). There are no per-scenario branches: the
// core decides everything from what the servers send.
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'

const serverUrl = process.argv[2]
if (!serverUrl) {
  console.error('usage: client.mjs <server-url>')
  process.exit(2)
}
const wire = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION || '2025-11-25'
/** 2026-07-28 and later are stateless: no initialize, per-request `_meta`. */
const stateless = wire >= '2026-07-28'
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || '{}')
const clientInfo = { name: 'mcp-oauth-conformance', version: '0.1.0' }
const capabilities = {}

/** Headless driver: the test AS redirects at once; read its Location without following it. */
async function driver({ url }) {
  const response = await fetch(url, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (!location) throw new Error(`The authorization endpoint did not redirect (${response.status})`)
  return new URL(location, url).href
}

const auth = createMcpAuth({
  redirectUri: 'http://127.0.0.1:3000/callback',
  client: {
    name: 'mcp-oauth conformance client',
    metadataUrl: 'https://conformance-test.local/client-metadata.json',
  },
  storage: memoryStorage(),
  driver,
  protocolVersion: wire,
  legacyEndpointFallback: true,
  ...(context.client_id && context.issuer
    ? {
        preRegistered: {
          [context.issuer]: {
            clientId: context.client_id,
            ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
          },
        },
      }
    : {}),
})
const server = auth.server(serverUrl)

let nextId = 1
let sessionId

/** Reads a JSON-RPC response from a JSON or SSE body. */
async function readMessage(response) {
  const text = await response.text()
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    return text ? JSON.parse(text) : undefined
  }
  for (const event of text.split(/\n\n/)) {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .join('\n')
    if (!data) continue
    const message = JSON.parse(data)
    if ('result' in message || 'error' in message) return message
  }
  return undefined
}

/** Authorizes when the handle asks for it; the core bounds step-up attempts. */
async function ensureAuthorized() {
  const { status } = server.getSnapshot()
  if (status === 'needs-client-id' && context.client_id) {
    await server.submitClientId({
      clientId: context.client_id,
      ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
    })
  }
  const next = server.getSnapshot().status
  if (['needs-authorization', 'needs-step-up', 'cancelled', 'disconnected'].includes(next)) {
    await server.authorize()
  }
}

/** One MCP request (or notification) over Streamable HTTP through `server.fetch`. */
async function send(method, params = {}, { notification = false } = {}) {
  const body = { jsonrpc: '2.0', method, params }
  if (stateless) {
    body.params = {
      ...params,
      _meta: {
        ...params._meta,
        'io.modelcontextprotocol/protocolVersion': wire,
        'io.modelcontextprotocol/clientCapabilities': capabilities,
      },
    }
  }
  if (!notification) body.id = nextId++
  for (let attempt = 0; ; attempt++) {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': wire,
    }
    if (sessionId) headers['mcp-session-id'] = sessionId
    const response = await server.fetch(serverUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    })
    sessionId = response.headers.get('mcp-session-id') ?? sessionId
    if ((response.status === 401 || response.status === 403) && attempt < 10) {
      await response.body?.cancel()
      await ensureAuthorized()
      continue
    }
    if (!response.ok) throw new Error(`${method}: HTTP ${response.status}`)
    if (notification) {
      await response.body?.cancel()
      return undefined
    }
    const message = await readMessage(response)
    if (message?.error) throw new Error(`${method}: ${message.error.message}`)
    return message?.result
  }
}

/** Arguments that satisfy a tool's input schema with simple placeholder values. */
function argumentsFor(tool) {
  const args = {}
  const properties = tool.inputSchema?.properties ?? {}
  for (const name of tool.inputSchema?.required ?? []) {
    const type = properties[name]?.type
    args[name] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : 'test'
  }
  return args
}

try {
  await server.probe()
  await ensureAuthorized()
  if (!stateless) {
    await send('initialize', { protocolVersion: wire, capabilities, clientInfo })
    await send('notifications/initialized', {}, { notification: true })
  }
  const listed = await send('tools/list')
  const tool = listed?.tools?.[0]
  if (tool) await send('tools/call', { name: tool.name, arguments: argumentsFor(tool) })
  console.log(`ok: ${server.getSnapshot().status}`)
} catch (error) {
  console.error(`failed: ${error?.code ?? ''} ${error?.message ?? error}`)
  process.exitCode = 1
}
