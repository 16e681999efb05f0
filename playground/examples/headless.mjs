#!/usr/bin/env node
// The core API end to end, in Node: start the demo stack, discover, register, authorize with a
// headless driver, call a tool, refresh, disconnect. Run `npm run build` first, then
// `node playground/examples/headless.mjs`.
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { headlessDriver, startStack } from '../stack/index.mjs'

const stack = await startStack()
try {
  const auth = createMcpAuth({
    redirectUri: 'http://127.0.0.1:8976/oauth/callback', // the driver stops at this redirect
    client: { name: 'headless example' },
    storage: memoryStorage(),
    driver: headlessDriver(), // in a browser, leave this out: a popup is used
  })
  const server = auth.server(stack.servers.oauth)
  server.subscribe((snapshot) => console.log(`status: ${snapshot.status}`))

  await server.probe() // 401 → resource metadata → AS metadata → needs-authorization
  await server.authorize() // dynamic registration, PKCE, consent, code exchange

  const response = await server.fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'hello from mcp-oauth' } },
    }),
  })
  console.log('tool result:', JSON.stringify((await response.json()).result.content))

  const { issuer, scopes, registration, expiresAt } = server.getSnapshot()
  console.log({
    issuer,
    scopes,
    registration,
    expiresIn: `${Math.round((expiresAt - Date.now()) / 1000)} s`,
  })

  await server.disconnect() // revokes at the AS, then clears local state
} finally {
  await stack.close()
}
