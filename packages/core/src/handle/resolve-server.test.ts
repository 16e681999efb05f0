import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { ConfigurationError } from '../errors.js'
import { memoryStorage } from '../storage/memory.js'
import { resolveServer } from './resolve-server.js'

const auth = () =>
  createMcpAuth({ redirectUri: 'https://app.example/cb', storage: memoryStorage() })

describe('resolveServer: what a UI has for a server URL', () => {
  test('a URL the core accepts: its handle, and the snapshot that handle started with', () => {
    const instance = auth()
    const { handle, initial, reason } = resolveServer(instance, 'https://MCP.example.com/mcp#x')
    expect(handle).toBe(instance.server('https://mcp.example.com/mcp'))
    expect(initial).toEqual({
      resource: 'https://mcp.example.com/mcp',
      status: 'unknown',
      scopes: [],
      storage: 'memory',
    })
    expect(initial).toEqual(handle!.getSnapshot())
    expect(reason).toBeUndefined()
  })

  test('no URL yet: no handle, unknown, and a typed reason for any action asked of it', () => {
    for (const url of [undefined, '']) {
      const { handle, initial, reason } = resolveServer(auth(), url)
      expect(handle).toBeUndefined()
      expect(initial).toMatchObject({ resource: '', status: 'unknown' })
      expect(initial.error).toBeUndefined()
      expect(reason).toBeInstanceOf(ConfigurationError)
      expect(reason?.code).toBe('invalid_configuration')
    }
  })

  test('a URL the core refuses: no handle and no throw; error, with insecure_url as the reason', () => {
    const instance = auth()
    const { handle, initial, reason } = resolveServer(instance, 'http://remote.example.com/mcp')
    expect(handle).toBeUndefined()
    expect(initial).toMatchObject({ resource: 'http://remote.example.com/mcp', status: 'error' })
    expect(reason?.code).toBe('insecure_url')
    expect(initial.error).toBe(reason)
    expect(instance.servers()).toHaveLength(0)
  })

  test('an instance that throws something untyped: invalid_configuration, with the cause', () => {
    const thrown = new TypeError('boom')
    const { reason } = resolveServer(
      {
        server() {
          throw thrown
        },
      },
      'https://mcp.example.com/mcp',
    )
    expect(reason?.code).toBe('invalid_configuration')
    expect(reason?.cause).toBe(thrown)
  })
})
