import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { headlessDriver, type Stack, startStack } from '../../playground/stack/index.mjs'

const redirectUri = 'http://127.0.0.1:53683/oauth/callback'
const ACCESS_TOKEN_TTL = 120

let stack: Stack
beforeAll(async () => {
  stack = await startStack({ redirectUris: [redirectUri], accessTokenTtl: ACCESS_TOKEN_TTL })
})
afterAll(() => stack?.close())
afterEach(() => vi.useRealTimers())

describe('the official MCP SDK client over server.fetch', () => {
  test('lists and calls tools on the OAuth server, with a refresh in the middle', async () => {
    const auth = createMcpAuth({
      redirectUri,
      client: { name: 'sdk transport test' },
      storage: memoryStorage(),
      driver: headlessDriver(),
    })
    const server = auth.server(stack.servers.oauth)
    expect((await server.probe()).status).toBe('needs-authorization')
    expect((await server.authorize()).status).toBe('authorized')

    // The transport calls the function it was given on its own, detached from the handle.
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      fetch: server.fetch,
    })
    const client = new Client({ name: 'sdk transport test', version: '1.0.0' })
    await client.connect(transport)
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toContain('echo')

    // Every clock (the kit's, the authorization server's, the MCP server's) moves past expiry.
    const refreshes = stack.stats().grants.refresh_token
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true })
    vi.setSystemTime(Date.now() + (ACCESS_TOKEN_TTL + 1) * 1000)
    const result = await client.callTool({ name: 'echo', arguments: { text: 'still here' } })
    expect(result.content).toEqual([{ type: 'text', text: 'still here' }])
    expect(stack.stats().grants.refresh_token).toBe(refreshes + 1)
    expect(server.getSnapshot().status).toBe('authorized')

    expect((await client.listTools()).tools.length).toBe(tools.length)
    expect(stack.stats().grants.refresh_token).toBe(refreshes + 1)
    await client.close()
  })
})
