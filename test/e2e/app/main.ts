import type { McpServerHandle } from '@mcp-oauth/core'
import { makeAuth } from './config.js'

const params = new URLSearchParams(location.search)
const serverUrl = params.get('server') ?? ''
const auth = makeAuth()
const el = (id: string) => document.getElementById(id) as HTMLElement

el('server').textContent = serverUrl
const server: McpServerHandle = auth.server(serverUrl)
server.subscribe((snapshot) => {
  el('status').textContent = snapshot.status
  el('error').textContent = snapshot.error?.code ?? ''
  el('error').dataset.step = String(snapshot.error?.details?.step ?? '')
  el('popup').textContent = snapshot.popup ?? ''
  el('expires').textContent = snapshot.expiresAt === undefined ? '' : String(snapshot.expiresAt)
  el('token-type').textContent = snapshot.tokenType ?? ''
  const item = document.createElement('li')
  item.textContent = snapshot.status
  el('history').append(item)
})

let sessionId: string | undefined
let nextId = 1

/** One MCP JSON-RPC request over Streamable HTTP through `server.fetch`. */
async function rpc(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25',
  }
  if (sessionId) headers['mcp-session-id'] = sessionId
  const response = await server.fetch(serverUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  })
  sessionId = response.headers.get('mcp-session-id') ?? sessionId
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  const text = await response.text()
  const json = response.headers.get('content-type')?.includes('text/event-stream')
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5))
        .join('')
    : text
  const message = JSON.parse(json) as { result?: unknown; error?: { message: string } }
  if (message.error) throw new Error(message.error.message)
  return message.result
}

async function initialize(): Promise<void> {
  if (sessionId) return
  await rpc('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'mcp-oauth-e2e', version: '0.0.0' },
  })
}

/** Runs an action and shows its outcome as text; never throws into the page. */
function show(action: () => Promise<unknown>) {
  return () => {
    el('result').textContent = 'working'
    action().then(
      (value) => {
        el('result').textContent = `ok ${JSON.stringify(value ?? null)}`
      },
      (error: { code?: string; message?: string }) => {
        el('result').textContent = `failed ${error.code ?? ''} ${error.message ?? ''}`
      },
    )
  }
}

const on = (id: string, action: () => Promise<unknown>) =>
  el(id).addEventListener('click', show(action))

on('probe', () => server.probe().then((s) => s.status))
// authorize() is called synchronously inside the click so the popup is not blocked.
on('authorize', () => server.authorize().then((s) => s.status))
on('authorize-redirect', () => server.authorize({ mode: 'redirect' }).then((s) => s.status))
on('cancel', async () => server.cancel())
on('list-tools', async () => {
  await initialize()
  const result = (await rpc('tools/list')) as { tools: { name: string }[] }
  return result.tools.map((tool) => tool.name)
})
on('call-admin', async () => {
  await initialize()
  return rpc('tools/call', { name: 'admin_action', arguments: {} })
})
on('call-echo', async () => {
  await initialize()
  return rpc('tools/call', { name: 'echo', arguments: { text: 'bound' } })
})
on('disconnect', () => server.disconnect().then((s) => s.status))
on('submit-client-id', () =>
  server
    .submitClientId({ clientId: (el('client-id') as HTMLInputElement).value })
    .then((s) => s.status),
)

// Six chains of tools/list calls, back to back, until Stop, and one more call each time another
// tab announces a change (this page's channel is newer than the kit's, so the kit has heard it
// first). #calls shows `ok failed`; #call-log the error of each failed call.
let looping = false
const calls = { ok: 0, failed: 0 }
const callOnce = () =>
  rpc('tools/list').then(
    () => {
      calls.ok++
    },
    (error: Error) => {
      calls.failed++
      el('call-log').textContent += `${error.message}\n`
    },
  )
async function callChain(): Promise<void> {
  while (looping) {
    await callOnce()
    el('calls').textContent = `${calls.ok} ${calls.failed}`
  }
}
el('call-loop').addEventListener('click', () => {
  looping = true
  const heard = new BroadcastChannel('mcp-oauth:tokens')
  heard.onmessage = () => {
    if (looping) void callOnce()
  }
  show(async () => {
    await initialize()
    await Promise.all(Array.from({ length: 6 }, callChain))
    heard.close()
  })()
})
el('stop-loop').addEventListener('click', () => {
  looping = false
})

// Finish a full-page redirect that came back here, then find out what the server needs.
await server.probe().catch(() => {})
