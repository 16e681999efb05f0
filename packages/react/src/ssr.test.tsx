// @vitest-environment node
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
// A static import: evaluating the package (and the elements it wraps) must not touch window.
import { AuthorizeStep, McpAuthProvider, ServerCard, useMcpAuth, useMcpServers } from './index.js'

const SERVER = 'https://mcp.example.com/mcp'

function Status() {
  const mcp = useMcpAuth(SERVER)
  const servers = useMcpServers()
  return <p>{`${mcp.status} ${mcp.resource} ${servers.length}`}</p>
}

test('imports and renders on a server without touching window', async () => {
  expect(typeof window).toBe('undefined')
  expect(typeof document).toBe('undefined')
  expect(typeof customElements).toBe('undefined')
  const requests: string[] = []
  const auth = createMcpAuth({
    redirectUri: 'https://app.example/cb',
    storage: memoryStorage(),
    fetch: async (input) => {
      requests.push(String(input))
      return Response.json({})
    },
  })
  const html = renderToString(
    <QueryClientProvider client={new QueryClient()}>
      <McpAuthProvider auth={auth}>
        <Status />
        <AuthorizeStep serverUrl={SERVER} />
        <ServerCard serverUrl={SERVER} serverName="Demo" />
      </McpAuthProvider>
    </QueryClientProvider>,
  )
  expect(html).toContain(`<p>unknown ${SERVER} 0</p>`)
  expect(html).toContain(`<mcp-authorize server-url="${SERVER}">`)
  expect(html).toContain('server-name="Demo"')
  // Nothing runs on the server: a probe would already say `probing` (it says so before its first
  // request), and a restore would have created no handle but this one.
  expect(auth.servers().map((server) => server.getSnapshot().status)).toEqual(['unknown'])
  expect(requests).toEqual([])
})
