import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { AuthorizeStep, ServerCard, useMcpAuth, useMcpServers } from '@mcp-oauth/react'
import type { McpFlowTimelineElement } from '@mcp-oauth/web-components/timeline'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { useCallback, useEffect, useRef, useState } from 'react'
import { authOptions } from '../auth-options.js'
import { auth, PRESETS, presetCredential, type StackInfo, unusableHint } from '../setup.js'

/** Probes what the user types without adding it to the app's servers (same client options). */
const scratch = createMcpAuth({
  ...authOptions(location.origin),
  storage: memoryStorage(),
  driver: async () => '',
})

const FOUND: Record<string, string> = {
  open: 'Open: no authorization needed',
  'needs-authorization': 'OAuth: sign-in at {issuer}',
  'needs-client-id': 'OAuth without registration: you will need a client ID',
  'needs-token': 'Token only: you will need an access token',
  authorized: 'Already authorized',
}

export function App({ stack }: { stack: StackInfo }) {
  const servers = useMcpServers()
  const [selected, setSelected] = useState<string>()
  const current = selected ?? servers[0]?.url
  const timeline = useTimeline()
  return (
    <div className="chat">
      <aside className="sidebar" aria-label="Servers">
        <AddServer stack={stack} onAdd={setSelected} />
        {servers.map(({ url }) => (
          <div key={url} className={url === current ? 'selected' : ''}>
            <ServerCard serverUrl={url} />
            <button type="button" onClick={() => setSelected(url)} aria-pressed={url === current}>
              Open chat
            </button>
          </div>
        ))}
      </aside>
      <main className="pane">
        {current ? (
          <ServerPane key={current} url={current} />
        ) : (
          <p className="muted">Add a server, or pick a preset, to start.</p>
        )}
        <mcp-flow-timeline ref={timeline} />
      </main>
    </div>
  )
}

/** The "Add server" field: probes as you type (debounced), then "Add & authorize". */
function AddServer({ stack, onAdd }: { stack: StackInfo; onAdd: (url: string) => void }) {
  const [url, setUrl] = useState('')
  const [found, setFound] = useState<{ url: string; text: string; usable: boolean }>()

  useEffect(() => {
    if (!url.trim()) return
    let current = true
    const timer = setTimeout(async () => {
      let text: string
      let usable = true
      try {
        const snapshot = await scratch.server(url).probe()
        const issuer = snapshot.issuer ? new URL(snapshot.issuer).host : ''
        usable = snapshot.status !== 'error'
        text = usable
          ? (FOUND[snapshot.status] ?? snapshot.status).replace('{issuer}', issuer)
          : unusableHint(snapshot.error?.code)
      } catch (error) {
        usable = false
        text = unusableHint((error as { code?: string }).code)
      }
      // Only the latest URL may be labelled: a slow answer for an older one is dropped.
      if (current) setFound({ url, text, usable })
    }, 400)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [url])

  const add = () => {
    const handle = auth.server(url)
    onAdd(handle.url)
    // Still inside the click: the popup opens before any await.
    if (scratch.server(url).getSnapshot().status === 'needs-authorization') {
      handle.authorize().catch(() => {})
    }
  }
  const result = url.trim() && found?.url === url ? found : undefined
  const label = !url.trim() ? '' : (result?.text ?? 'Checking…')
  const invalid = result?.usable === false
  const credential = presetCredential(stack, url)

  return (
    <section className="panel add" aria-label="Add server">
      <label htmlFor="add-url">Add server</label>
      <input
        id="add-url"
        value={url}
        placeholder="https://mcp.example.com/mcp"
        aria-describedby="add-url-hint"
        aria-invalid={invalid}
        onChange={(event) => setUrl(event.target.value)}
      />
      <p id="add-url-hint" className="found" role="status" aria-live="polite">
        {label}
      </p>
      <button type="button" className="primary" disabled={!result?.usable} onClick={add}>
        Add &amp; authorize
      </button>
      <div className="presets">
        {PRESETS.map((preset) => (
          <button key={preset.key} type="button" onClick={() => setUrl(stack.servers[preset.key])}>
            {preset.label}
          </button>
        ))}
      </div>
      {credential && (
        <p className="credential" data-testid="preset-credential">
          {credential.label}: <code>{credential.value}</code>
        </p>
      )}
    </section>
  )
}

/** One server: the authorize step until it is usable, then its tools over the MCP SDK. */
function ServerPane({ url }: { url: string }) {
  const mcp = useMcpAuth(url)
  const ready = mcp.status === 'authorized' || mcp.status === 'refreshing' || mcp.status === 'open'
  return (
    <section className="panel" aria-label="Chat">
      <h2>{mcp.resourceName ?? new URL(url).host}</h2>
      {ready ? <Tools url={url} fetch={mcp.fetch} /> : <AuthorizeStep serverUrl={url} />}
    </section>
  )
}

interface Tool {
  name: string
  description?: string | undefined
  inputSchema: { properties?: Record<string, unknown> | undefined }
}
interface Message {
  kind: 'you' | 'tool' | 'error'
  text: string
}

/** The official MCP SDK client, speaking through the kit's `fetch`. */
function Tools({ url, fetch }: { url: string; fetch: typeof globalThis.fetch }) {
  const client = useRef<Client>(undefined)
  const [tools, setTools] = useState<Tool[]>()
  const [text, setText] = useState('Hello, MCP!')
  const [messages, setMessages] = useState<Message[]>([])
  const say = useCallback((message: Message) => setMessages((list) => [...list, message]), [])

  useEffect(() => {
    let closed = false
    const sdk = new Client({ name: 'mcp-oauth playground', version: '0.1.0' })
    const transport = new StreamableHTTPClientTransport(new URL(url), { fetch })
    sdk
      .connect(transport)
      .then(() => sdk.listTools())
      .then((result) => {
        if (closed) return
        client.current = sdk
        setTools(result.tools)
      })
      .catch((error: Error) => !closed && say({ kind: 'error', text: error.message }))
    return () => {
      closed = true
      sdk.close().catch(() => {})
    }
  }, [url, fetch, say])

  const call = async (tool: Tool) => {
    const args = tool.inputSchema.properties?.text ? { text } : {}
    say({ kind: 'you', text: `${tool.name}(${JSON.stringify(args)})` })
    try {
      const result = await client.current!.callTool({ name: tool.name, arguments: args })
      const content = result.content as { type: string; text?: string }[]
      say({ kind: 'tool', text: content.map((c) => c.text ?? `[${c.type}]`).join('\n') })
    } catch (error) {
      say({ kind: 'error', text: (error as Error).message })
    }
  }

  if (!tools) return <p className="muted">Connecting with the MCP SDK…</p>
  return (
    <div className="tools">
      <label>
        Text for echo <input value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      {tools.map((tool) => (
        <div className="tool" key={tool.name}>
          <div>
            <strong>{tool.name}</strong>
            <p>{tool.description}</p>
          </div>
          <button type="button" className="primary" onClick={() => call(tool)}>
            {`Call ${tool.name}`}
          </button>
        </div>
      ))}
      <div className="messages" aria-live="polite">
        {messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
          <div key={i} className={`message ${message.kind}`}>
            {message.text}
          </div>
        ))}
      </div>
    </div>
  )
}

/** The shipped timeline, on the app's instance (the elements get theirs from the provider). */
function useTimeline() {
  return useCallback((element: McpFlowTimelineElement | null) => {
    if (element) element.auth = auth
  }, [])
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'mcp-flow-timeline': React.DetailedHTMLProps<
        React.HTMLAttributes<McpFlowTimelineElement>,
        McpFlowTimelineElement
      >
    }
  }
}
