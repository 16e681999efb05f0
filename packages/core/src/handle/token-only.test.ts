import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { mcpCall, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

const tokenOnlyWorld = () =>
  createWorld({
    resource: 'https://static.example.com/mcp',
    challenge: 'Bearer',
    prm: null,
    as: null,
  })

describe('a token-only server is never offered OAuth', () => {
  test('a refused static token leads back to needs-token with invalid_token, without discovery', async () => {
    const w = tokenOnlyWorld()
    const { handle } = setupWorld(mock, w)
    expect((await handle.probe()).status).toBe('needs-token')
    await handle.submitToken('wrong-token')
    const discoveries = w.hits('/.well-known/').length
    const response = await mcpCall(handle)
    expect(response.status).toBe(401)
    const snapshot = handle.getSnapshot()
    expect(snapshot.status).toBe('needs-token')
    expect(snapshot.error?.code).toBe('invalid_token')
    expect(w.hits('/.well-known/')).toHaveLength(discoveries)
    expect(w.hits('/token')).toHaveLength(0)
    // A second token can be typed; the handle did not give up on the server.
    expect((await handle.submitToken('another')).status).toBe('authorized')
  })

  test('the challenge now carries resource_metadata: the server moved to OAuth, discovery runs again', async () => {
    const w = tokenOnlyWorld()
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    await handle.submitToken('old-static-token')
    w.options.prm = {
      resource: w.options.resource,
      authorization_servers: [w.options.issuer],
      scopes_supported: ['read'],
    }
    w.options.as = {}
    await mcpCall(handle)
    expect(handle.getSnapshot().status).toBe('needs-authorization')
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.hits(w.prmPathUrl).length).toBeGreaterThan(0)
  })
})

describe('a token-only server stays token-only', () => {
  test('a call before any token is typed: the 401 keeps needs-token, and no discovery runs', async () => {
    const w = tokenOnlyWorld()
    const { handle } = setupWorld(mock, w)
    expect((await handle.probe()).status).toBe('needs-token')
    const discoveries = w.hits('/.well-known/').length
    expect((await mcpCall(handle)).status).toBe(401)
    expect(handle.getSnapshot().status).toBe('needs-token')
    expect(w.hits('/.well-known/')).toHaveLength(discoveries)
    expect(w.hits('/token')).toHaveLength(0)
  })

  test('a 401 naming resource_metadata still means the server moved to OAuth', async () => {
    const w = tokenOnlyWorld()
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    w.options.prm = {
      resource: w.options.resource,
      authorization_servers: [w.options.issuer],
      scopes_supported: ['read'],
    }
    w.options.as = {}
    w.options.challenge = `Bearer resource_metadata="${w.prmPathUrl}"`
    expect((await mcpCall(handle)).status).toBe(401)
    expect(handle.getSnapshot().status).toBe('needs-authorization')
  })
})
