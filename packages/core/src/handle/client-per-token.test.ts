import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const form = (body: string) => new URLSearchParams(body)

describe('a token keeps the client that obtained it', () => {
  test('a later registration with the same AS does not take over refresh and revocation', async () => {
    const w = createWorld({
      accessTokenTtl: 0,
      as: { token_endpoint_auth_methods_supported: ['client_secret_post'] },
    })
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize({ scope: 'read' })
    const first = w.grants('authorization_code')[0]!
    expect(form(first.body).get('client_id')).toBe('client-1')

    // Another server on this AS registers a client of its own, stored for the same issuer.
    const registered = await fetch(`${w.options.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_post',
      }),
    }).then((r) => r.json() as Promise<{ client_id: string; client_secret: string }>)
    const [key] = await storage.keys('client:')
    await storage.set(key!, {
      ...((await storage.get(key!)) as object),
      clientId: registered.client_id,
      clientSecret: registered.client_secret,
    })

    expect(await handle.getAccessToken()).toMatch(/^at-/)
    const refresh = w.grants('refresh_token')[0]!
    expect(Object.fromEntries(form(refresh.body))).toMatchObject({
      client_id: 'client-1',
      client_secret: 'secret-1',
    })
    expect(handle.getSnapshot().status).toBe('authorized')

    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toMatchObject({ accessToken: 'revoked', refreshToken: 'revoked' })
    for (const revocation of w.hits('/revoke')) {
      expect(form(revocation.body).get('client_id')).toBe('client-1')
      expect(form(revocation.body).get('client_secret')).toBe('secret-1')
    }
  })
})
