// A page that connects one MCP server with the kit as published (bundled from its tarball), and
// shows how its requests travel. This page is its own redirect URI. The query sets the options:
// `server`, `dpop`, `relay`, `skew` (refresh this many seconds before expiry), `protocol`,
// `issuer` + `client` for a client whose secret only the relay holds, and `standard` for MCP
// calls with the 2026-07-28 Mcp-Method / Mcp-Name headers (copied in from the demo stack).
import './zod-jitless.js'
import { createMcpAuth } from '@mcp-oauth/core'
import { subscribeEvents } from '@mcp-oauth/core/events'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { withStandardHeaders } from './mcp-headers.mjs'

const params = new URLSearchParams(location.search)
const option = (name) => params.get(name) ?? undefined
const issuer = option('issuer')
const clientId = option('client')

const auth = createMcpAuth({
  redirectUri: `${location.origin}/`,
  client: { name: 'Routes page', uri: location.origin },
  ...(option('dpop') ? { dpop: option('dpop') } : {}),
  ...(option('relay') ? { relay: option('relay') } : {}),
  ...(option('skew') ? { refreshSkewSeconds: Number(option('skew')) } : {}),
  ...(option('protocol') ? { protocolVersion: option('protocol') } : {}),
  ...(issuer && clientId ? { preRegistered: { [issuer]: { clientId, secretAtRelay: true } } } : {}),
})

const el = (id) => document.getElementById(id)
const relayed = new Set()
subscribeEvents(auth, (event) => {
  if (event.relay) relayed.add(event.type)
  el('relayed').textContent = [...relayed].sort().join(' ')
  if (event.type === 'route') {
    const { token, resource, dpop, note } = event
    el('route').textContent = JSON.stringify({ token, resource, dpop, note: note ?? null })
  }
})

const serverUrl = option('server')
if (serverUrl) {
  const server = auth.server(serverUrl)
  server.subscribe((snapshot) => {
    el('status').textContent = snapshot.status
    el('token-type').textContent = snapshot.tokenType ?? ''
    el('error').textContent = snapshot.error?.code ?? ''
    el('message').textContent = snapshot.error?.message ?? ''
  })
  /** Runs an action on a click and shows its outcome as text. */
  const on = (id, action) =>
    el(id).addEventListener('click', () => {
      el('result').textContent = 'working'
      action().then(
        (value) => {
          el('result').textContent = `ok ${value}`
        },
        (error) => {
          el('result').textContent = `failed ${error.code ?? ''} ${error.message}`
        },
      )
    })
  // authorize() runs inside the click, so that the popup is not blocked.
  on('authorize', () => server.authorize().then((s) => s.status))
  on('call', async () => {
    const client = new Client({ name: 'routes-page', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      fetch: option('standard') ? withStandardHeaders(server.fetch) : server.fetch,
    })
    try {
      await client.connect(transport)
      const result = await client.callTool({ name: 'echo', arguments: { text: 'routed' } })
      return result.content[0]?.text
    } finally {
      await client.close()
    }
  })
  on('refresh', () => server.getAccessToken().then(() => server.getSnapshot().status))
  on('disconnect', () => server.disconnect().then((s) => s.revocation?.refreshToken))
  void server.probe()
}
