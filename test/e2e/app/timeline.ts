import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { defineMcpFlowTimeline } from '@mcp-oauth/web-components/timeline'
import { makeAuth } from './config.js'

// The elements and the timeline on one instance; the server comes from the query.
const params = new URLSearchParams(location.search)
const servers = params.getAll('server')
const auth = makeAuth()
setDefaultMcpAuth(auth)
defineMcpElements()
defineMcpFlowTimeline()
for (const id of ['authorize', 'card']) {
  document.getElementById(id)?.setAttribute('server-url', servers[0] ?? '')
}
// More servers are probed too, to show them side by side.
for (const url of servers.slice(1))
  auth
    .server(url)
    .probe()
    .catch(() => {})
Object.assign(window, { mcpAuth: auth })

/** One JSON-RPC request to the first server through `server.fetch` (a stateless server). */
async function rpc(method: string, rpcParams: Record<string, unknown> = {}) {
  const server = auth.server(servers[0] ?? '')
  const response = await server.fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: rpcParams }),
  })
  await response.body?.cancel()
  return `HTTP ${response.status}`
}

const result = document.getElementById('result')!
const on = (id: string, run: () => Promise<string>) =>
  document.getElementById(id)?.addEventListener('click', () => {
    result.textContent = 'working'
    run().then(
      (text) => {
        result.textContent = text
      },
      (error: Error) => {
        result.textContent = `failed ${error.message}`
      },
    )
  })
on('list-tools', () => rpc('tools/list'))
on('call-admin', () =>
  rpc('tools/call', { name: 'admin_action', arguments: { note: 'do-not-log-me' } }),
)
