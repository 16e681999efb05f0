import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { expect, test } from 'vitest'
import { setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

// MCP 2026-07-28, Streamable HTTP, "Standard Request Headers" and "Custom Headers from Tool
// Parameters": the app's MCP client sets them; `server.fetch` adds the bearer and nothing else.
test('server.fetch passes the app’s Mcp-Method, Mcp-Name and Mcp-Param-* headers as they are', async () => {
  const w = createWorld()
  const { handle } = setupWorld(mock, w)
  await handle.authorize()
  const headers = {
    'content-type': 'application/json',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': '=?base64?SGVsbG8sIOS4lueVjA==?=',
    'mcp-param-region': 'us-west1',
  }
  const response = await handle.fetch(w.options.resource, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } }),
  })
  expect(response.status).toBe(200)
  const sent = w.requests.filter((r) => r.url === w.options.resource && r.method === 'POST').at(-1)!
  for (const [name, value] of Object.entries(headers)) expect(sent.headers.get(name)).toBe(value)
  expect(sent.headers.get('authorization')).toMatch(/^Bearer /)
})
