// Vite + React 18 + TanStack Query 5. The redirect URI is a route of this app: the server's
// SPA fallback serves this bundle there and createMcpAuth() hands the response over.
import './zod-jitless.js'
import { createMcpAuth } from '@mcp-oauth/core'
import { AuthorizeStep, McpAuthProvider, useMcpAuth } from '@mcp-oauth/react'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'

const auth = createMcpAuth({
  redirectUri: `${location.origin}/oauth/callback`,
  client: { name: 'React 18 app', uri: location.origin },
})
const queryClient = new QueryClient()
const serverUrl = new URLSearchParams(location.search).get('server')

function Server({ url }: { url: string }) {
  const mcp = useMcpAuth(url)
  const [tool, setTool] = useState('')

  async function callEcho() {
    const client = new Client({ name: 'react18-app', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      fetch: (input, init) => mcp.fetch(input, init),
    })
    try {
      await client.connect(transport)
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } })
      const [first] = result.content as { type: string; text?: string }[]
      setTool(`echo: ${first?.text ?? ''}`)
    } catch (error) {
      setTool(`failed: ${(error as Error).message}`)
    } finally {
      await client.close()
    }
  }

  return (
    <main>
      <p>
        Status: <output id="status">{mcp.status}</output>
      </p>
      <AuthorizeStep serverUrl={url} />
      <button type="button" id="call" onClick={callEcho} disabled={mcp.status !== 'authorized'}>
        Call echo
      </button>
      <output id="tool">{tool}</output>
      <button type="button" id="disconnect" onClick={() => mcp.disconnect()}>
        Disconnect
      </button>
    </main>
  )
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <McpAuthProvider auth={auth}>
        {serverUrl ? <Server url={serverUrl} /> : <p>No server selected.</p>}
      </McpAuthProvider>
    </QueryClientProvider>
  </StrictMode>,
)
