import { describe, expect, test } from 'vitest'
import { replayable } from '../http/replayable-request.js'
import { operationKey } from './step-up.js'

const URL = 'https://mcp.example.com/mcp?x=1'
const request = (method: string, body: string | ArrayBuffer | null) =>
  replayable(new Request(URL, { method }), new Headers(), body)
const post = (body: string | ArrayBuffer) => request('POST', body)

describe('operationKey: what a step-up attempt is counted against', () => {
  test('HTTP method and path, plus JSON-RPC method and tool name', () => {
    expect(
      operationKey(post(JSON.stringify({ method: 'tools/call', params: { name: 'admin' } }))),
    ).toBe('POST https://mcp.example.com/mcp tools/call admin')
    expect(operationKey(post(JSON.stringify({ method: 'tools/list' })))).toBe(
      'POST https://mcp.example.com/mcp tools/list',
    )
  })

  test('two tools are two operations', () => {
    const a = operationKey(post(JSON.stringify({ method: 'tools/call', params: { name: 'a' } })))
    const b = operationKey(post(JSON.stringify({ method: 'tools/call', params: { name: 'b' } })))
    expect(a).not.toBe(b)
  })

  test('a body that is not JSON, or a GET, is named by method and path', () => {
    expect(operationKey(post('not json'))).toBe('POST https://mcp.example.com/mcp')
    expect(operationKey(request('GET', null))).toBe('GET https://mcp.example.com/mcp')
  })

  test('a body read into bytes names the operation as its text would', () => {
    const text = JSON.stringify({ method: 'tools/call', params: { name: 'admin' } })
    const bytes = new TextEncoder().encode(text).buffer
    expect(operationKey(post(bytes))).toBe('POST https://mcp.example.com/mcp tools/call admin')
  })
})

describe('operationKey: what is not an MCP call', () => {
  test('a body sent with another method than POST is not read', () => {
    const body = JSON.stringify({ method: 'tools/call', params: { name: 'admin' } })
    expect(operationKey(request('PUT', body))).toBe('PUT https://mcp.example.com/mcp')
  })

  test('a JSON-RPC method or tool name that is not a string is left out', () => {
    expect(operationKey(post(JSON.stringify({ method: 5, params: { name: 7 } })))).toBe(
      'POST https://mcp.example.com/mcp',
    )
    expect(
      operationKey(post(JSON.stringify({ method: 'tools/call', params: { name: null } }))),
    ).toBe('POST https://mcp.example.com/mcp tools/call')
  })
})
