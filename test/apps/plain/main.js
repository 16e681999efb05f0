// One module script. This page is its own redirect URI: on a static host without an SPA
// fallback, createMcpAuth() on the page finishes whatever comes back to it.
import './zod-jitless.js'
import { createMcpAuth } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

const auth = createMcpAuth({
  redirectUri: `${location.origin}/`,
  client: { name: 'Plain app', uri: location.origin },
})
setDefaultMcpAuth(auth)
defineMcpElements()

const serverUrl = new URLSearchParams(location.search).get('server')
if (serverUrl) {
  const server = auth.server(serverUrl)
  for (const element of document.querySelectorAll('mcp-authorize, mcp-server-card')) {
    element.setAttribute('server-url', server.url)
  }
  const status = document.getElementById('status')
  server.subscribe((snapshot) => {
    status.textContent = snapshot.status
  })
  const tool = document.getElementById('tool')
  document.getElementById('call').addEventListener('click', async () => {
    const client = new Client({ name: 'plain-app', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      fetch: (input, init) => server.fetch(input, init),
    })
    try {
      await client.connect(transport)
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } })
      tool.textContent = `echo: ${result.content[0]?.text ?? ''}`
    } catch (error) {
      tool.textContent = `failed: ${error.message}`
    } finally {
      await client.close()
    }
  })
}
