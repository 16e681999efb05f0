// Vite + React 19 with the custom elements used directly (React 19 sets properties on custom
// elements and listens to their events).
import './zod-jitless.js'
import type { McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { StrictMode, useState, useSyncExternalStore } from 'react'
import { createRoot } from 'react-dom/client'
import { makeAuth } from './auth.js'

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'mcp-authorize': { 'server-url': string }
      'mcp-server-card': { 'server-url': string; 'server-name'?: string }
    }
  }
}

const auth = makeAuth()
setDefaultMcpAuth(auth)
defineMcpElements()
const serverUrl = new URLSearchParams(location.search).get('server')

function Server({ handle }: { handle: McpServerHandle }) {
  const snapshot: McpServerSnapshot = useSyncExternalStore(handle.subscribe, handle.getSnapshot)
  const [tool, setTool] = useState('')

  async function callEcho() {
    const client = new Client({ name: 'react19-app', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(handle.url), {
      fetch: (input, init) => handle.fetch(input, init),
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
        Status: <output id="status">{snapshot.status}</output>
      </p>
      <mcp-authorize server-url={handle.url} />
      <mcp-server-card server-url={handle.url} server-name="Demo" />
      <button type="button" id="call" onClick={callEcho}>
        Call echo
      </button>
      <output id="tool">{tool}</output>
    </main>
  )
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    {serverUrl ? <Server handle={auth.server(serverUrl)} /> : <p>No server selected.</p>}
  </StrictMode>,
)
