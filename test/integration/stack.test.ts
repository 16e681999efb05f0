import { createMcpAuth, memoryStorage, type TokenStorage } from '@mcp-oauth/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { headlessDriver, type Stack, startStack } from '../../playground/stack/index.mjs'

// Nothing listens here: the headless driver stops at the redirect and hands the URL back.
const redirectUri = 'http://127.0.0.1:53682/oauth/callback'

let stack: Stack
beforeAll(async () => {
  stack = await startStack({ redirectUris: [redirectUri] })
})
afterAll(() => stack?.close())

function setup(options: { deny?: boolean; storage?: TokenStorage; skew?: number } = {}) {
  return createMcpAuth({
    redirectUri,
    client: { name: 'integration tests' },
    storage: options.storage ?? memoryStorage(),
    driver: headlessDriver({ deny: options.deny ?? false }),
    ...(options.skew === undefined ? {} : { refreshSkewSeconds: options.skew }),
  })
}

let rpcId = 1
/** One MCP request through the handle's fetch; returns the HTTP status and JSON-RPC body. */
async function rpc(
  server: { fetch: typeof fetch; url: string },
  method: string,
  params: Record<string, unknown> = {},
) {
  const response = await server.fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method, params }),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as { result?: Record<string, unknown>; error?: unknown }) : {},
  }
}

/** The MCP server's own view: does it accept this token? */
async function serverAccepts(url: string, token: string): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  })
  return response.status === 200
}

const expire = (storage: TokenStorage, resource: string) =>
  storage
    .get(`tokens:${resource}`)
    .then((record) =>
      storage.set(`tokens:${resource}`, { ...(record as object), expiresAt: Date.now() - 1000 }),
    )

describe('against a real authorization server and real MCP servers', () => {
  test('full flow: probe, dynamic registration, PKCE authorization, tool call', async () => {
    const server = setup().server(stack.servers.oauth)
    const probed = await server.probe()
    expect(probed.status).toBe('needs-authorization')
    expect(probed.issuer).toBe(stack.issuer)
    expect(probed.resourceName).toBe('Demo tools')
    const registrations = stack.stats().registrations

    const authorized = await server.authorize()
    expect(authorized.status).toBe('authorized')
    expect(authorized.registration).toBe('dynamic')
    expect(authorized.scopes).toContain('mcp:read')
    expect(authorized.expiresAt).toBeGreaterThan(Date.now())
    expect(stack.stats().registrations).toBe(registrations + 1)

    const list = await rpc(server, 'tools/list')
    expect(list.status).toBe(200)
    const tools = (list.body.result?.tools as { name: string }[] | undefined)?.map((t) => t.name)
    expect(tools).toEqual(expect.arrayContaining(['echo', 'time']))
    const echo = await rpc(server, 'tools/call', { name: 'echo', arguments: { text: 'hi' } })
    expect(echo.body.result?.content).toEqual([{ type: 'text', text: 'hi' }])
  })

  test('the access token is a JWT for this resource only', async () => {
    const server = setup().server(stack.servers.oauth)
    await server.authorize()
    const token = await server.getAccessToken()
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      aud: string | string[]
    }
    expect([payload.aud].flat()).toEqual([stack.servers.oauth])
    expect(await serverAccepts(stack.servers.stepUp, token)).toBe(false)
  })

  test('refresh after expiry uses the refresh token (one grant) and keeps working', async () => {
    const storage = memoryStorage()
    const server = setup({ storage }).server(stack.servers.oauth)
    await server.authorize()
    const before = await server.getAccessToken()
    const refreshes = stack.stats().grants.refresh_token
    await expire(storage, stack.servers.oauth)
    // A new handle reads the expired record from storage, as a reloaded page would.
    const reloaded = setup({ storage }).server(stack.servers.oauth)
    const tokens = await Promise.all(Array.from({ length: 10 }, () => reloaded.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).not.toBe(before)
    expect(stack.stats().grants.refresh_token).toBe(refreshes + 1)
    expect((await rpc(reloaded, 'tools/list')).status).toBe(200)
  })

  test('a replayed refresh token is invalid_grant: tokens cleared, needs-authorization', async () => {
    const storage = memoryStorage()
    const server = setup({ storage }).server(stack.servers.oauth)
    await server.authorize()
    const stale = await storage.get(`tokens:${stack.servers.oauth}`)
    await expire(storage, stack.servers.oauth)
    // A reloaded page reads the expired record and rotates the refresh token.
    await setup({ storage }).server(stack.servers.oauth).getAccessToken()

    // Another client copy still holds the old refresh token and replays it.
    const replayStorage = memoryStorage()
    await replayStorage.set(`tokens:${stack.servers.oauth}`, {
      ...(stale as object),
      expiresAt: Date.now() - 1000,
    })
    for (const key of await storage.keys('client:')) {
      await replayStorage.set(key, await storage.get(key))
    }
    const replaying = setup({ storage: replayStorage }).server(stack.servers.oauth)
    const invalid = stack.stats().invalidGrants
    await expect(replaying.getAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' })
    expect(stack.stats().invalidGrants).toBe(invalid + 1)
    expect(replaying.getSnapshot().status).toBe('needs-authorization')
    expect(await replayStorage.get(`tokens:${stack.servers.oauth}`)).toBeUndefined()
  })

  test('disconnect revokes the refresh token at the AS and clears local state', async () => {
    const storage = memoryStorage()
    const server = setup({ storage }).server(stack.servers.oauth)
    await server.authorize()
    const record = (await storage.get(`tokens:${stack.servers.oauth}`)) as { refreshToken: string }
    const revocations = stack.stats().revocations
    expect((await server.disconnect()).status).toBe('disconnected')
    expect(stack.stats().revocations).toBeGreaterThan(revocations)
    expect(await storage.get(`tokens:${stack.servers.oauth}`)).toBeUndefined()

    // The revoked refresh token no longer works, even from a copy.
    const copy = memoryStorage()
    await copy.set(`tokens:${stack.servers.oauth}`, {
      ...(record as object),
      expiresAt: Date.now() - 1000,
    })
    for (const key of await storage.keys('client:')) await copy.set(key, await storage.get(key))
    const again = setup({ storage: copy }).server(stack.servers.oauth)
    await expect(again.getAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' })
  })

  test('step-up: 403 insufficient_scope → needs-step-up → authorize again → the call works', async () => {
    const server = setup().server(stack.servers.stepUp)
    // The probe's challenge asks for mcp:read only; mcp:admin comes with the step-up.
    await server.probe()
    expect((await server.authorize()).scopes).not.toContain('mcp:admin')
    const denied = await rpc(server, 'tools/call', { name: 'admin_action', arguments: {} })
    expect(denied.status).toBe(403)
    const snapshot = server.getSnapshot()
    expect(snapshot.status).toBe('needs-step-up')
    expect(snapshot.stepUpScopes).toEqual(expect.arrayContaining(['mcp:read', 'mcp:admin']))
    expect((await server.authorize()).status).toBe('authorized')
    const allowed = await rpc(server, 'tools/call', { name: 'admin_action', arguments: {} })
    expect(allowed.status).toBe(200)
    expect(server.getSnapshot().scopes).toContain('mcp:admin')
  })

  test('deny at consent → cancelled with access_denied', async () => {
    const server = setup({ deny: true }).server(stack.servers.oauth)
    await expect(server.authorize()).rejects.toMatchObject({ code: 'access_denied' })
    expect(server.getSnapshot().status).toBe('cancelled')
  })

  test('an AS without registration: needs-client-id, then the pre-registered client works', async () => {
    const server = setup().server(stack.servers.noRegistration)
    expect((await server.probe()).status).toBe('needs-client-id')
    await expect(server.submitClientId({ clientId: '  ' })).rejects.toMatchObject({
      code: 'invalid_client_id',
    })
    const ready = await server.submitClientId({ clientId: stack.preRegisteredClient.clientId })
    expect(ready.status).toBe('needs-authorization')
    const authorized = await server.authorize()
    expect(authorized.status).toBe('authorized')
    expect(authorized.registration).toBe('manual')
    expect((await rpc(server, 'tools/list')).status).toBe(200)
  })

  test('pre-registered credentials for the issuer are used without registration', async () => {
    const auth = createMcpAuth({
      redirectUri,
      storage: memoryStorage(),
      driver: headlessDriver(),
      preRegistered: {
        [stack.preRegisteredClient.issuer]: { clientId: stack.preRegisteredClient.clientId },
      },
    })
    const server = auth.server(stack.servers.noRegistration)
    expect((await server.probe()).status).toBe('needs-authorization')
    expect((await server.authorize()).registration).toBe('pre-registered')
  })

  test('the open server is open; the token-only server needs a static token', async () => {
    const auth = setup()
    expect((await auth.server(stack.servers.open).probe()).status).toBe('open')
    const token = auth.server(stack.servers.token)
    expect((await token.probe()).status).toBe('needs-token')
    expect((await token.submitToken(stack.staticToken)).status).toBe('authorized')
    expect((await rpc(token, 'tools/list')).status).toBe(200)
  })

  test('the hidden-challenge server is discovered through the well-known URL', async () => {
    const server = setup().server(stack.servers.hiddenChallenge)
    expect((await server.probe()).status).toBe('needs-authorization')
    expect((await server.authorize()).status).toBe('authorized')
  })
})
