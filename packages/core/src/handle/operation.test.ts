import { describe, expect, test } from 'vitest'
import { operationKey } from './operation.js'

const post = (body: string) =>
  new Request('https://mcp.example.com/mcp?x=1', { method: 'POST', body })

describe('operationKey: what a step-up attempt is counted against', () => {
  test('HTTP method and path, plus JSON-RPC method and tool name', async () => {
    expect(
      await operationKey(post(JSON.stringify({ method: 'tools/call', params: { name: 'admin' } }))),
    ).toBe('POST https://mcp.example.com/mcp tools/call admin')
    expect(await operationKey(post(JSON.stringify({ method: 'tools/list' })))).toBe(
      'POST https://mcp.example.com/mcp tools/list',
    )
  })

  test('two tools are two operations', async () => {
    const a = await operationKey(
      post(JSON.stringify({ method: 'tools/call', params: { name: 'a' } })),
    )
    const b = await operationKey(
      post(JSON.stringify({ method: 'tools/call', params: { name: 'b' } })),
    )
    expect(a).not.toBe(b)
  })

  test('a body that is not JSON, or a GET, is named by method and path', async () => {
    expect(await operationKey(post('not json'))).toBe('POST https://mcp.example.com/mcp')
    expect(await operationKey(new Request('https://mcp.example.com/mcp'))).toBe(
      'GET https://mcp.example.com/mcp',
    )
  })

  test('the request body stays readable afterwards', async () => {
    const request = post('{"method":"ping"}')
    await operationKey(request)
    expect(await request.text()).toBe('{"method":"ping"}')
  })
})

describe('operationKey: what is not an MCP call', () => {
  test('a body sent with another method than POST is not read', async () => {
    const put = new Request('https://mcp.example.com/mcp', {
      method: 'PUT',
      body: JSON.stringify({ method: 'tools/call', params: { name: 'admin' } }),
    })
    expect(await operationKey(put)).toBe('PUT https://mcp.example.com/mcp')
  })

  test('a JSON-RPC method or tool name that is not a string is left out', async () => {
    expect(await operationKey(post(JSON.stringify({ method: 5, params: { name: 7 } })))).toBe(
      'POST https://mcp.example.com/mcp',
    )
    expect(
      await operationKey(post(JSON.stringify({ method: 'tools/call', params: { name: null } }))),
    ).toBe('POST https://mcp.example.com/mcp tools/call')
  })
})
