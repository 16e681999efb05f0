import { createWorld, useMockServer, type World } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { mcpCall, setupWorld } from '../test-support/harness.js'
import { subscribeEvents } from './subscribe.js'
import { formatTrace, serializeTrace } from './trace.js'
import type { McpAuthEvent } from './types.js'

const mock = useMockServer()

/**
 * Every secret value the world saw go by: codes, verifiers, `state`, code challenges, tokens
 * (issued and presented) and client secrets, read from the requests themselves.
 */
function secretsOf(world: World): string[] {
  const found = new Set<string>()
  for (const url of world.navigations()) {
    for (const name of ['state', 'code_challenge']) {
      const value = url.searchParams.get(name)
      if (value) found.add(value)
    }
  }
  for (const request of world.requests) {
    if (!request.url.endsWith('/token') && !request.url.endsWith('/revoke')) continue
    const form = new URLSearchParams(request.body)
    for (const name of ['code', 'code_verifier', 'refresh_token', 'token', 'client_secret']) {
      const value = form.get(name)
      if (value) found.add(value)
    }
    const basic = /^Basic (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
    if (basic) found.add(basic)
  }
  for (const request of world.requests) {
    const bearer = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
    if (bearer) found.add(bearer)
  }
  for (const token of world.accessTokens.keys()) found.add(token)
  for (const client of world.clients.values()) if (client.secret) found.add(client.secret)
  return [...found]
}

describe('no secret reaches the event stream', () => {
  test('a whole flow with a confidential client: every event, the text and the JSON trace', async () => {
    // An AS that does not allow public clients: registration returns a client secret.
    const w = createWorld({
      accessTokenTtl: 30,
      as: { token_endpoint_auth_methods_supported: ['client_secret_basic'] },
    })
    const { auth, handle } = setupWorld(mock, w, { auth: { refreshSkewSeconds: 60 } })
    const events: McpAuthEvent[] = []
    subscribeEvents(auth, (event) => events.push(event))

    await handle.probe()
    await handle.authorize()
    await mcpCall(handle) // expiring: refreshed first
    w.accessTokens.clear() // refused: 401 invalid_token, refreshed, retried
    await mcpCall(handle)
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    await handle.authorize() // step-up
    await mcpCall(handle, 'tools/call', { name: 'admin' })
    w.options.refresh = 'invalid_grant'
    await handle.getAccessToken().catch(() => {})
    await handle.authorize()
    await handle.disconnect()

    const types = new Set(events.map((e) => e.type))
    for (const type of ['registration', 'token', 'refresh', 'step-up', 'revocation', 'fetch']) {
      expect(types).toContain(type)
    }
    const secrets = secretsOf(w)
    // The flow really produced the secrets this test looks for.
    expect(w.clients.size).toBeGreaterThan(0)
    expect([...w.clients.values()].every((c) => c.secret)).toBe(true)
    expect(secrets.length).toBeGreaterThan(12)
    const texts = [
      ...events.map((event) => JSON.stringify(event)),
      formatTrace(events),
      serializeTrace(events),
    ]
    for (const secret of secrets) {
      for (const text of texts)
        expect(text, `a secret in ${text.slice(0, 120)}`).not.toContain(secret)
    }
  })
})
