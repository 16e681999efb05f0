import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import type { AuthorizationDriver } from '../contracts/driver.js'
import { mcpCall, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const narrowResource = () =>
  createWorld({
    prm: {
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['read'],
    },
  })

describe('step-up does not register a new client', () => {
  test('a step-up to a scope the AS lists reuses the registered client', async () => {
    const w = narrowResource()
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    const refused = await mcpCall(handle, 'tools/call', { name: 'admin' })
    expect(refused.status).toBe(403)
    expect(handle.getSnapshot().status).toBe('needs-step-up')
    const stepped = await handle.authorize()
    expect(stepped.scopes).toContain('admin')
    expect(w.hits('/register')).toHaveLength(1)
    const ids = w.navigations().map((url) => url.searchParams.get('client_id'))
    expect(new Set(ids).size).toBe(1)
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(200)
  })

  test('the registration asks for every scope the resource and the AS list', async () => {
    const w = narrowResource()
    const { handle } = setupWorld(mock, w)
    await handle.authorize()
    const body = JSON.parse(w.hits('/register')[0]!.body) as { scope?: string }
    expect(body.scope?.split(' ').sort()).toEqual(['admin', 'offline_access', 'read'])
  })

  test('only a refused scope (invalid_scope) registers again, for the next attempt', async () => {
    const w = narrowResource()
    let answers = 0
    const driver: AuthorizationDriver = (request) =>
      w.driver(answers++ === 0 ? { error: 'invalid_scope' } : {})(request)
    const { handle } = setupWorld(mock, w, { auth: { driver } })
    await expect(handle.authorize()).rejects.toMatchObject({ details: { error: 'invalid_scope' } })
    expect(w.hits('/register')).toHaveLength(1)
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.hits('/register')).toHaveLength(2)
    const ids = w.navigations().map((url) => url.searchParams.get('client_id'))
    expect(ids[0]).not.toBe(ids[1])
  })
})
