import type { McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { createSignal, from, Show } from 'solid-js'
import { auth } from './auth.js'

export function App(props: { serverUrl: string | null }) {
  return (
    <Show when={props.serverUrl} fallback={<p>No server selected.</p>}>
      {(url) => <Server handle={auth.server(url())} />}
    </Show>
  )
}

function Server(props: { handle: McpServerHandle }) {
  // subscribe() calls back at once and on every change: a signal of the snapshot.
  const snapshot = from<McpServerSnapshot>((set) =>
    props.handle.subscribe((next) => set(() => next)),
  )
  const [tool, setTool] = createSignal('')
  const [restored, setRestored] = createSignal(false)

  async function callEcho() {
    const client = new Client({ name: 'solid-app', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(new URL(props.handle.url), {
      fetch: props.handle.fetch,
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
        Status: <output id="status">{snapshot()?.status ?? 'unknown'}</output>
        <Show when={restored()}> (restored)</Show>
      </p>
      <mcp-authorize server-url={props.handle.url} />
      <mcp-server-card
        server-url={props.handle.url}
        server-name="Demo"
        on:mcp-restored={() => setRestored(true)}
      />
      <button type="button" id="call" onClick={callEcho}>
        Call echo
      </button>
      <output id="tool">{tool()}</output>
    </main>
  )
}
