// The page of the registration tests: the published kit, bundled from its packed tarballs. It
// speaks MCP 2026-07-28, so the probe's Mcp-Method header meets each server's CORS preflight.
import { createMcpAuth } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { authOptions } from './auth-options.js'

const auth = createMcpAuth({ ...authOptions(location.origin), protocolVersion: '2026-07-28' })
setDefaultMcpAuth(auth)
defineMcpElements()

// In the sign-in popup, back at the redirect URI, there is no server: the instance above
// delivers the response, and that is all.
const serverUrl = new URLSearchParams(location.search).get('server')
if (serverUrl) {
  const server = auth.server(serverUrl)
  document.querySelector('mcp-authorize')?.setAttribute('server-url', server.url)
  const status = document.getElementById('status')
  const registration = document.getElementById('registration')
  const refusal = document.getElementById('refusal')
  server.subscribe((snapshot) => {
    status.textContent = snapshot.status
    registration.textContent = snapshot.registration ?? ''
    refusal.textContent =
      snapshot.error?.code === 'registration_refused' ? snapshot.error.details.reason : ''
  })
  const tool = document.getElementById('tool')
  document.getElementById('call').addEventListener('click', async () => {
    try {
      const response = await server.fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      })
      tool.textContent = `tools/list: ${response.status}`
    } catch (error) {
      tool.textContent = `failed: ${error.code ?? error.message}`
    }
  })
}
