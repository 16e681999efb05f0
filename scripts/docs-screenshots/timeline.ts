import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { defineMcpFlowTimeline } from '@mcp-oauth/web-components/timeline'

// ?server=<oauth server>&server=<another one, probed beside it>
const servers = new URLSearchParams(location.search).getAll('server')
const auth = createMcpAuth({
  redirectUri: `${location.origin}/callback.html`,
  client: { name: 'mcp-oauth docs' },
  storage: memoryStorage(),
})
setDefaultMcpAuth(auth)
defineMcpElements()
defineMcpFlowTimeline()
const [first = '', ...others] = servers
document.getElementById('authorize')!.setAttribute('server-url', first)
for (const url of others)
  auth
    .server(url)
    .probe()
    .catch(() => {})

const server = auth.server(first)
document.getElementById('list-tools')!.addEventListener('click', async () => {
  const response = await server.fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  })
  document.body.dataset.listed = String(response.status)
})
document.getElementById('disconnect')!.addEventListener('click', () => {
  server.disconnect().catch(() => {})
})
