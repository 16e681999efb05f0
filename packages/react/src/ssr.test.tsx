// @vitest-environment node
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
// A static import: evaluating the package itself must not touch window.
import { AuthorizeStep, McpAuthProvider, ServerCard, useMcpAuth } from './index.js'

function Status() {
  return <p>{useMcpAuth('https://mcp.example.com/mcp', { probe: false }).status}</p>
}

test('imports and renders on a server without touching window', () => {
  expect(typeof window).toBe('undefined')
  const auth = createMcpAuth({
    redirectUri: 'https://app.example/cb',
    storage: memoryStorage(),
    driver: async () => '',
  })
  const html = renderToString(
    <McpAuthProvider auth={auth}>
      <Status />
      <AuthorizeStep serverUrl="https://mcp.example.com/mcp" />
      <ServerCard serverUrl="https://mcp.example.com/mcp" serverName="Demo" />
    </McpAuthProvider>,
  )
  expect(html).toContain('<p>unknown</p>')
  expect(html).toContain('<mcp-authorize server-url="https://mcp.example.com/mcp">')
  expect(html).toContain('server-name="Demo"')
})
