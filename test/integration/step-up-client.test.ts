import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { headlessDriver, type Stack, startStack } from '../../playground/stack/index.mjs'

const redirectUri = 'http://127.0.0.1:53684/oauth/callback'

let stack: Stack
beforeAll(async () => {
  stack = await startStack({ redirectUris: [redirectUri] })
})
afterAll(() => stack?.close())

describe('step-up against oidc-provider, which enforces registered scopes', () => {
  test('the step-up to mcp:admin uses the client registered for mcp:read: one registration', async () => {
    const server = createMcpAuth({
      redirectUri,
      client: { name: 'step-up client test' },
      storage: memoryStorage(),
      driver: headlessDriver(),
    }).server(stack.servers.stepUp)
    await server.probe()
    const registrations = stack.stats().registrations
    expect((await server.authorize()).scopes).not.toContain('mcp:admin')
    expect(stack.stats().registrations).toBe(registrations + 1)
    const init = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'admin_action', arguments: {} },
      }),
    }
    expect((await server.fetch(server.url, init)).status).toBe(403)
    expect(server.getSnapshot().status).toBe('needs-step-up')
    expect((await server.authorize()).scopes).toContain('mcp:admin')
    expect(stack.stats().registrations).toBe(registrations + 1)
    expect((await server.fetch(server.url, init)).status).toBe(200)
  })
})
