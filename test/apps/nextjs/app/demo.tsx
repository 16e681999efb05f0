'use client'
import './zod-jitless'
import { AuthorizeStep, McpAuthProvider, useMcpAuth } from '@mcp-oauth/react'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createElement, useState, useSyncExternalStore } from 'react'
import { getAuth } from './auth'

const noSubscription = () => () => {}

/**
 * The instance exists in the browser only: the server and the hydrating render get `undefined`
 * (and the placeholder), the render right after hydration gets the instance.
 */
function useBrowserAuth() {
  return useSyncExternalStore(noSubscription, getAuth, () => undefined)
}

export function Demo({ serverUrl }: { serverUrl: string }) {
  const auth = useBrowserAuth()
  const [queryClient] = useState(() => new QueryClient())
  return (
    <QueryClientProvider client={queryClient}>
      {auth ? (
        <McpAuthProvider auth={auth}>
          <Server url={serverUrl} />
        </McpAuthProvider>
      ) : (
        <main>
          <p>
            Status: <output id="status">unknown</output>
          </p>
          {/* The same tag the client renders, not yet defined: nothing runs on the server. */}
          {createElement('mcp-authorize', { 'server-url': serverUrl })}
        </main>
      )}
    </QueryClientProvider>
  )
}

function Server({ url }: { url: string }) {
  const mcp = useMcpAuth(url)
  const [tool, setTool] = useState('')

  async function callEcho() {
    const client = new Client({ name: 'nextjs-app', version: '1.0.0' })
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
