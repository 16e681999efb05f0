import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { subscribeEvents } from '../events/subscribe.js'
import type { McpAuthEvent } from '../events/types.js'
import { setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

describe('discovery picks the authorization server', () => {
  test('the one used before stays while the resource still lists it', async () => {
    const first = 'https://auth.example.com'
    const second = 'https://auth2.example.com'
    const w = createWorld()
    const w2 = createWorld({ resource: 'https://other.example.com/mcp', issuer: second })
    w.options.prm = { resource: w.options.resource, authorization_servers: [second] }
    // The second authorization server answers the authorization.
    const { handle } = setupWorld(mock, w, { auth: { driver: w2.driver() } })
    mock.use(...w2.handlers)
    expect((await handle.probe()).issuer).toBe(second)
    // The resource now lists another authorization server first.
    w.options.prm = { resource: w.options.resource, authorization_servers: [first, second] }
    expect((await handle.probe()).issuer).toBe(second)
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w2.grants('authorization_code')).toHaveLength(1)
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('a discovery that found no metadata at all does not make it forget that server', async () => {
    const first = 'https://auth.example.com'
    const second = 'https://auth2.example.com'
    const w = createWorld()
    const w2 = createWorld({ resource: 'https://other.example.com/mcp', issuer: second })
    w.options.prm = { resource: w.options.resource, authorization_servers: [second] }
    const { handle } = setupWorld(mock, w)
    mock.use(...w2.handlers)
    expect((await handle.probe()).issuer).toBe(second)
    // For a moment the server publishes no metadata.
    const challenge = w.options.challenge
    w.options.prm = null
    w.options.challenge = 'Bearer'
    expect((await handle.probe()).status).toBe('needs-token')
    w.options.challenge = challenge
    w.options.prm = { resource: w.options.resource, authorization_servers: [first, second] }
    expect((await handle.probe()).issuer).toBe(second)
  })

  test('otherwise the first listed', async () => {
    const w = createWorld()
    const w2 = createWorld({
      resource: 'https://other.example.com/mcp',
      issuer: 'https://auth2.example.com',
    })
    w.options.prm = {
      resource: w.options.resource,
      authorization_servers: [w.options.issuer, 'https://auth2.example.com'],
    }
    const { handle } = setupWorld(mock, w)
    mock.use(...w2.handlers)
    expect((await handle.probe()).issuer).toBe(w.options.issuer)
  })
})

describe('a server without protected resource metadata (2025-03-26)', () => {
  test('its origin is the authorization server; the flow uses the server URL as resource', async () => {
    const w = createWorld({ prm: null, challenge: 'Bearer' })
    const origin = 'https://mcp.example.com'
    const { auth, handle } = setupWorld(mock, w, { response: { iss: origin } })
    mock.use(
      http.get(`${origin}/.well-known/oauth-authorization-server`, ({ request }) => {
        w.requests.push({ method: 'GET', url: request.url, headers: request.headers, body: '' })
        return HttpResponse.json({
          issuer: origin,
          authorization_endpoint: `${w.options.issuer}/authorize`,
          token_endpoint: `${w.options.issuer}/token`,
          registration_endpoint: `${w.options.issuer}/register`,
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
        })
      }),
    )
    const events: McpAuthEvent[] = []
    subscribeEvents(auth, (event) => events.push(event))
    const probed = await handle.probe()
    expect(probed.status).toBe('needs-authorization')
    expect(probed.issuer).toBe('https://mcp.example.com')
    expect(events.filter((e) => e.type === 'authorization-server-metadata')).toHaveLength(1)
    const legacy = w.hits('https://mcp.example.com/.well-known/oauth-authorization-server')
    expect(legacy).toHaveLength(1)
    expect(legacy[0]?.headers.get('mcp-protocol-version')).toBe('2025-11-25')
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.navigations()[0]?.searchParams.get('resource')).toBe(w.options.resource)
    // Neither document lists scopes: the registration asks for none.
    const [registration] = w.hits('/register')
    expect(JSON.parse(registration!.body)).not.toHaveProperty('scope')
  })
})
