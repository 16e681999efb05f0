import 'fake-indexeddb/auto'
import {
  createWorld,
  type DpopWorldOptions,
  dpopWorld,
  sha256,
  useMockServer,
  type WorldOptions,
} from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { McpAuthOptions } from '../contracts/options.js'
import type { TokenRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { dpopKeyStorageKey } from '../dpop/key-store.js'
import { memoryStorage } from '../storage/memory.js'
import { keys as recordKeys } from '../storage/records.js'
import { dump, mcpCall, REDIRECT, setupWorld } from '../test-support/harness.js'

// Sender-constrained tokens through the server handle (RFC 9449, MCP DPoP extension SEP-1932).
const mock = useMockServer()

afterEach(() => {
  vi.unstubAllGlobals()
})

function setup(
  options: {
    world?: Partial<WorldOptions>
    dpop?: Partial<DpopWorldOptions>
    auth?: Partial<McpAuthOptions>
    storage?: TokenStorage
  } = {},
) {
  const w = createWorld(options.world)
  const d = dpopWorld(w, options.dpop)
  const kit = setupWorld(mock, w, {
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
  })
  mock.use(...d.handlers)
  return { w, d, ...kit }
}

const stored = async (storage: TokenStorage, resource: string) =>
  (await storage.get(recordKeys.tokens(resource))) as TokenRecord | undefined
const keyOf = (w: ReturnType<typeof createWorld>) =>
  dpopKeyStorageKey(w.options.issuer, w.options.resource)

describe('authorization with DPoP (RFC 9449 §5)', () => {
  test("'auto' (the default): the code exchange carries a proof, the token is stored as DPoP", async () => {
    const { w, d, handle, storage } = setup()
    const snapshot = await handle.authorize()
    expect(snapshot).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    // A key the storage keeps: nothing to report.
    expect(snapshot).not.toHaveProperty('dpopKey')
    const exchange = d.proofs.filter((p) => p.at === 'token')
    expect(exchange).toHaveLength(1)
    expect(exchange[0]).toMatchObject({ verified: true, method: 'POST' })
    expect(exchange[0]!.payload).toMatchObject({ htm: 'POST', htu: `${w.options.issuer}/token` })
    expect(exchange[0]!.payload).not.toHaveProperty('ath')
    expect((await stored(storage, handle.url))?.tokenType).toBe('DPoP')
    // The private key never leaves WebCrypto: storage holds a non-extractable CryptoKey.
    const record = (await storage.get(keyOf(w))) as { keyPair: CryptoKeyPair }
    expect(record.keyPair.privateKey.extractable).toBe(false)
    expect(JSON.stringify(snapshot)).not.toContain('keyPair')
  })

  test('every server.fetch: Authorization DPoP and a fresh proof with htm, htu, iat, jti and ath', async () => {
    const { d, handle, w } = setup()
    await handle.authorize()
    const token = [...w.accessTokens.keys()].at(-1)!
    const before = Math.floor(Date.now() / 1000)
    for (let i = 0; i < 3; i++) expect((await mcpCall(handle)).status).toBe(200)
    // htu is the URL without query and fragment (RFC 9449 §4.2).
    expect((await mcpCall(handle, 'tools/list', {}, `${handle.url}?session=1#frag`)).status).toBe(
      200,
    )
    const sent = d.proofs.filter((p) => p.at === 'resource')
    expect(sent).toHaveLength(4)
    for (const proof of sent) {
      expect(proof.authorization).toBe(`DPoP ${token}`)
      expect(proof.verified).toBe(true)
      expect(proof.payload).toMatchObject({
        htm: 'POST',
        htu: handle.url,
        ath: await sha256(token),
      })
      expect(proof.payload.iat).toBeGreaterThanOrEqual(before)
      expect(proof.payload.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000))
    }
    expect(new Set(sent.map((p) => p.payload.jti)).size).toBe(4)
    expect(new Set(sent.map((p) => p.jkt))).toEqual(d.keys)
    // Never as a bearer token.
    expect(
      w.hits(handle.url, 'POST').some((r) => /^Bearer /.test(r.headers.get('authorization') ?? '')),
    ).toBe(false)
  })

  test("'off': no proof, a bearer token, no key", async () => {
    const { d, handle, storage } = setup({ auth: { dpop: 'off' } })
    expect(await handle.authorize()).toMatchObject({ tokenType: 'Bearer' })
    expect((await mcpCall(handle)).status).toBe(200)
    expect(d.proofs).toEqual([])
    expect(await storage.keys('dpop-key:')).toEqual([])
  })

  test('a server that does not list ES256 gets no proof, and its bearer tokens are Bearer', async () => {
    const w = createWorld()
    const kit = setupWorld(mock, w)
    w.options.as = { dpop_signing_alg_values_supported: ['RS256'] }
    expect(await kit.handle.authorize()).toMatchObject({ tokenType: 'Bearer' })
    expect(w.grants('authorization_code')[0]!.headers.has('dpop')).toBe(false)
    expect(await kit.storage.keys('dpop-key:')).toEqual([])
  })

  test("advertises DPoP but answers Bearer: 'auto' continues with a bearer token (RFC 9449 §5)", async () => {
    const { d, handle, w } = setup({ dpop: { bind: false } })
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    expect(d.proofs.filter((p) => p.at === 'token')).toHaveLength(1)
    expect((await mcpCall(handle)).status).toBe(200)
    const call = w.hits(handle.url, 'POST').at(-1)!
    expect(call.headers.get('authorization')).toMatch(/^Bearer /)
    expect(call.headers.has('dpop')).toBe(false)
  })

  test("advertises DPoP but answers Bearer: 'required' discards the response (dpop_unsupported)", async () => {
    const { d, handle, storage } = setup({ dpop: { bind: false }, auth: { dpop: 'required' } })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'dpop_unsupported' })
    expect(d.proofs.filter((p) => p.at === 'token')).toHaveLength(1)
    expect(handle.getSnapshot()).toMatchObject({ status: 'error' })
    expect(handle.getSnapshot().error?.code).toBe('dpop_unsupported')
    expect(await stored(storage, handle.url)).toBeUndefined()
  })

  test("'required' against a server whose algorithms exclude ES256: refused before the user signs in", async () => {
    const w = createWorld()
    const kit = setupWorld(mock, w, { auth: { dpop: 'required' } })
    w.options.as = { dpop_signing_alg_values_supported: ['RS256'] }
    await expect(kit.handle.authorize()).rejects.toMatchObject({ code: 'dpop_unsupported' })
    expect(w.navigations()).toHaveLength(0)
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('a DPoP token issued to a request without a proof is refused (RFC 9449 §5)', async () => {
    const w = createWorld({ tokenType: () => 'DPoP' })
    const { handle, storage } = setupWorld(mock, w)
    await expect(handle.authorize()).rejects.toMatchObject({
      code: 'token_request_failed',
      details: { attribute: 'token_type' },
    })
    expect(await stored(storage, handle.url)).toBeUndefined()
  })

  test('an unknown dpop mode is a configuration error, never a silent downgrade', () => {
    expect(() =>
      createMcpAuth({
        redirectUri: REDIRECT,
        dpop: 'require' as 'auto',
        driver: async () => '',
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_configuration' }))
  })
})

describe('nonces (RFC 9449 §8, §9): exactly one retry, never a loop', () => {
  test('the token endpoint asks once: one retry carrying the nonce, then it is remembered', async () => {
    const { d, handle, w } = setup({ dpop: { asNonce: 'once' }, world: { accessTokenTtl: 0 } })
    await handle.authorize()
    const exchange = d.proofs.filter((p) => p.at === 'token')
    expect(exchange.map((p) => p.payload.nonce)).toEqual([undefined, 'as-nonce-0'])
    expect(exchange[1]!.payload.jti).not.toBe(exchange[0]!.payload.jti)
    expect(w.grants('authorization_code')).toHaveLength(1)
    // The refresh uses the remembered nonce at once: no failed round trip.
    w.options.accessTokenTtl = 3600
    expect((await mcpCall(handle)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(d.proofs.filter((p) => p.at === 'token').at(-1)?.payload.nonce).toBe('as-nonce-0')
    expect(d.challenges.as).toBe(1)
  })

  test('a token endpoint that always wants a new nonce gets two requests, then the error', async () => {
    const { d, handle, storage } = setup({ dpop: { asNonce: 'always' } })
    await expect(handle.authorize()).rejects.toMatchObject({
      code: 'token_request_failed',
      details: { status: 400, error: 'use_dpop_nonce' },
    })
    expect(d.proofs.filter((p) => p.at === 'token')).toHaveLength(2)
    expect(d.challenges.as).toBe(2)
    expect(await stored(storage, handle.url)).toBeUndefined()
  })

  test('the resource asks once: one retry with the nonce and the same body, then remembered', async () => {
    const { d, handle, w } = setup({ dpop: { rsNonce: 'once' } })
    await handle.authorize()
    const response = await mcpCall(handle, 'tools/call', { name: 'echo' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ result: { ok: true } })
    // The challenged request never reached the world's MCP server; the retry did, whole.
    expect(w.hits(handle.url, 'POST').at(-1)?.body).toBe(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }),
    )
    const sent = d.proofs.filter((p) => p.at === 'resource')
    expect(sent.map((p) => p.payload.nonce)).toEqual([undefined, 'rs-nonce-0'])
    expect(sent[1]!.payload.jti).not.toBe(sent[0]!.payload.jti)
    expect((await mcpCall(handle)).status).toBe(200)
    expect(d.proofs.filter((p) => p.at === 'resource')).toHaveLength(3)
    expect(d.challenges.rs).toBe(1)
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorized' })
  })

  test('a resource that always wants a new nonce: two requests, its 401, tokens and status kept', async () => {
    const { d, handle, w } = setup({ dpop: { rsNonce: 'always' } })
    await handle.authorize()
    const response = await mcpCall(handle)
    expect(response.status).toBe(401)
    expect(d.proofs.filter((p) => p.at === 'resource')).toHaveLength(2)
    expect(d.challenges.rs).toBe(2)
    // Not a refused token: no refresh, no re-authorization asked for.
    expect(w.grants('refresh_token')).toHaveLength(0)
    expect(handle.getSnapshot().status).toBe('authorized')
  })
})

describe('refresh, tabs and reloads keep the key', () => {
  test('a refresh carries a proof of the same key, and the new token is DPoP again', async () => {
    const { d, handle, w, storage } = setup({ world: { accessTokenTtl: 0 } })
    await handle.authorize()
    w.options.accessTokenTtl = 3600
    expect((await mcpCall(handle)).status).toBe(200)
    const refresh = w.grants('refresh_token')
    expect(refresh).toHaveLength(1)
    expect(refresh[0]!.headers.has('dpop')).toBe(true)
    const tokenProofs = d.proofs.filter((p) => p.at === 'token')
    expect(tokenProofs).toHaveLength(2)
    expect(tokenProofs[1]!.jkt).toBe(tokenProofs[0]!.jkt)
    expect((await stored(storage, handle.url))?.tokenType).toBe('DPoP')
    expect(handle.getSnapshot().tokenType).toBe('DPoP')
  })

  test('another tab (another instance on the same storage) refreshes with the same key', async () => {
    const storage = memoryStorage()
    const { d, handle, w } = setup({ storage, world: { accessTokenTtl: 0 } })
    await handle.authorize()
    w.options.accessTokenTtl = 3600
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const tab = other.server(handle.url)
    expect((await mcpCall(tab)).status).toBe(200)
    expect(tab.getSnapshot().tokenType).toBe('DPoP')
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(new Set(d.proofs.map((p) => p.jkt)).size).toBe(1)
  })

  test('a DPoP record round-trips through IndexedDB: after a reload it is still DPoP, same key', async () => {
    const { indexedDbStorage } = await import('../storage/indexeddb.js')
    const name = `dpop-handle-${Math.random()}`
    const { d, handle, w } = setup({ storage: indexedDbStorage(name) })
    await handle.authorize()
    const reloaded = createMcpAuth({
      redirectUri: REDIRECT,
      storage: indexedDbStorage(name),
      driver: w.driver(),
    }).server(handle.url)
    expect(await reloaded.probe()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    expect((await mcpCall(reloaded)).status).toBe(200)
    expect(new Set(d.proofs.map((p) => p.jkt)).size).toBe(1)
  })

  test('a record written before DPoP support (no tokenType) reads as a bearer token', async () => {
    const w = createWorld()
    const { handle, storage } = setupWorld(mock, w)
    await handle.authorize()
    const { tokenType: _, ...old } = (await stored(storage, handle.url))!
    await storage.set(recordKeys.tokens(handle.url), old)
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const again = reloaded.server(handle.url)
    expect(await again.probe()).toMatchObject({ status: 'authorized', tokenType: 'Bearer' })
    expect((await mcpCall(again)).status).toBe(200)
  })

  test('a stored DPoP token whose key is gone: needs-authorization, never presented as a bearer', async () => {
    const storage = memoryStorage()
    const { w, handle } = setup({ storage })
    await handle.authorize()
    await storage.delete(keyOf(w))
    const before = w.hits(handle.url, 'POST').length
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const again = reloaded.server(handle.url)
    const snapshot = await again.probe()
    expect(snapshot.status).toBe('needs-authorization')
    expect(snapshot).not.toHaveProperty('tokenType')
    await expect(again.getAccessToken()).rejects.toMatchObject({ code: 'not_authorized' })
    // Only the unauthenticated probe went out: the dead token was sent in no form.
    const sent = w.hits(handle.url, 'POST').slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers.has('authorization')).toBe(false)
    // Authorizing again makes a new key and a new DPoP token, which replaces the dead one.
    const dead = (await stored(storage, handle.url))!.accessToken
    expect(await again.authorize()).toMatchObject({ status: 'authorized', tokenType: 'DPoP' })
    expect(await storage.get(keyOf(w))).toBeDefined()
    expect((await stored(storage, handle.url))!.accessToken).not.toBe(dead)
    expect((await mcpCall(again)).status).toBe(200)
  })

  test('a key that vanishes while the page runs: no refresh, no new key, needs-authorization', async () => {
    const storage = memoryStorage()
    const { w, d, handle } = setup({ storage, world: { accessTokenTtl: 0 } })
    await handle.authorize()
    await storage.delete(keyOf(w))
    const response = await mcpCall(handle)
    expect(response.status).toBe(401)
    expect(w.grants('refresh_token')).toHaveLength(0)
    expect(d.keys.size).toBe(1)
    expect(handle.getSnapshot()).toMatchObject({ status: 'needs-authorization' })
    expect(await storage.get(keyOf(w))).toBeUndefined()
  })

  test('a key that vanishes before the first request: server.fetch rejects with dpop_key_lost', async () => {
    const storage = memoryStorage()
    const { w, handle } = setup({ storage })
    await handle.authorize()
    const other = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const tab = other.server(handle.url)
    await tab.probe()
    await storage.delete(keyOf(w))
    const before = w.hits(handle.url, 'POST').length
    await expect(mcpCall(tab)).rejects.toMatchObject({ code: 'dpop_key_lost' })
    expect(w.hits(handle.url, 'POST')).toHaveLength(before)
  })

  test('a key the storage cannot keep lives as long as the page: lost on reload, never downgraded', async () => {
    // A storage that serialises to JSON keeps a CryptoKey as {}: the key stays in memory.
    const map = new Map<string, string>()
    const json: TokenStorage = {
      kind: 'custom',
      get: async (key) => (map.has(key) ? JSON.parse(map.get(key)!) : undefined),
      set: async (key, value) => void map.set(key, JSON.stringify(value)),
      delete: async (key) => void map.delete(key),
      keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
    }
    const { w, handle } = setup({ storage: json })
    // The snapshot says so: the tokens end with the page.
    expect(await handle.authorize()).toMatchObject({ tokenType: 'DPoP', dpopKey: 'memory' })
    expect((await mcpCall(handle)).status).toBe(200)
    expect(map.has(keyOf(w))).toBe(false)
    const reloaded = createMcpAuth({ redirectUri: REDIRECT, storage: json, driver: w.driver() })
    const snapshot = await reloaded.server(handle.url).probe()
    expect(snapshot).toMatchObject({ status: 'needs-authorization' })
    expect(snapshot).not.toHaveProperty('tokenType')
  })
})

describe('disconnect', () => {
  test('revocation requests carry proofs of the key, and the key is deleted', async () => {
    const { d, handle, w, storage } = setup()
    await handle.authorize()
    const jkt = [...d.keys][0]
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toEqual({ accessToken: 'revoked', refreshToken: 'revoked' })
    const revocations = d.proofs.filter((p) => p.at === 'revocation')
    expect(revocations).toHaveLength(2)
    for (const proof of revocations) {
      expect(proof).toMatchObject({ verified: true, jkt })
      expect(proof.payload).toMatchObject({ htm: 'POST', htu: `${w.options.issuer}/revoke` })
    }
    expect(await storage.get(keyOf(w))).toBeUndefined()
    expect(Object.keys(await dump(storage)).filter((k) => k.startsWith('dpop-key:'))).toEqual([])
  })

  test('the key is deleted even when revocation fails, and a new authorization gets a new key', async () => {
    const { d, handle, w, storage } = setup({ world: { revocation: 'network-error' } })
    await handle.authorize()
    const first = [...d.keys][0]
    const snapshot = await handle.disconnect()
    expect(snapshot.revocation).toMatchObject({ accessToken: 'failed', refreshToken: 'failed' })
    expect(await storage.get(keyOf(w))).toBeUndefined()
    await handle.authorize()
    expect(d.keys.size).toBe(2)
    expect([...d.keys][1]).not.toBe(first)
  })
})

describe('the rules of server.fetch hold for DPoP tokens', () => {
  test('a token never goes to another resource: no Authorization, no proof', async () => {
    const { d, handle } = setup()
    await handle.authorize()
    let seen: Request | undefined
    mock.use(
      http.post('https://other.example.com/mcp', ({ request }) => {
        seen = request
        return HttpResponse.json({})
      }),
    )
    await handle.fetch('https://other.example.com/mcp', { method: 'POST', body: '{}' })
    expect(seen?.headers.has('authorization')).toBe(false)
    expect(seen?.headers.has('dpop')).toBe(false)
    expect(d.proofs.filter((p) => p.url.startsWith('https://other.example.com'))).toEqual([])
  })

  test('a redirect inside the resource is followed with a fresh proof for the new URL', async () => {
    const { d, handle, w } = setup()
    await handle.authorize()
    const moved = `${handle.url}/v2`
    const token = [...w.accessTokens.keys()].at(-1)!
    mock.use(
      http.post(handle.url, ({ request }) =>
        new URL(request.url).pathname === '/mcp'
          ? new HttpResponse(null, { status: 307, headers: { location: moved } })
          : undefined,
      ),
      http.post(moved, async ({ request }) =>
        HttpResponse.json({
          dpop: request.headers.get('dpop'),
          auth: request.headers.get('authorization'),
        }),
      ),
    )
    const response = await mcpCall(handle)
    const body = (await response.json()) as { dpop: string; auth: string }
    expect(body.auth).toBe(`DPoP ${token}`)
    const { readProof } = await import('@mcp-oauth/test-world')
    const proof = await readProof(body.dpop)
    expect(proof.payload).toMatchObject({ htu: moved, ath: await sha256(token) })
    expect(d.proofs.filter((p) => p.at === 'resource')).toHaveLength(0)
  })

  test('a redirect out of the resource is refused; nothing reaches the target', async () => {
    const { handle } = setup()
    await handle.authorize()
    let reached = 0
    mock.use(
      http.post(
        handle.url,
        () =>
          new HttpResponse(null, {
            status: 307,
            headers: { location: 'https://mcp.example.com/elsewhere' },
          }),
      ),
      http.post('https://mcp.example.com/elsewhere', () => {
        reached++
        return HttpResponse.json({})
      }),
    )
    await expect(mcpCall(handle)).rejects.toMatchObject({ code: 'redirect_refused' })
    expect(reached).toBe(0)
  })

  test('step-up on a DPoP server: 403 insufficient_scope from a DPoP challenge', async () => {
    const { handle } = setup()
    await handle.authorize({ scope: 'read' })
    mock.use(
      http.post(handle.url, () =>
        HttpResponse.json(
          {},
          {
            status: 403,
            headers: { 'WWW-Authenticate': 'DPoP error="insufficient_scope", scope="admin"' },
          },
        ),
      ),
    )
    expect((await mcpCall(handle, 'tools/call', { name: 'admin' })).status).toBe(403)
    expect(handle.getSnapshot().status).toBe('needs-step-up')
    expect(handle.getSnapshot().stepUpScopes).toEqual(expect.arrayContaining(['read', 'admin']))
  })

  test('a refused DPoP token (401 invalid_token) gets one refresh and one retry', async () => {
    const { handle, w } = setup()
    await handle.authorize()
    let refusals = 0
    mock.use(
      http.post(handle.url, () => {
        if (refusals++ > 0) return undefined
        return HttpResponse.json(
          {},
          { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' } },
        )
      }),
    )
    expect((await mcpCall(handle)).status).toBe(200)
    expect(w.grants('refresh_token')).toHaveLength(1)
    expect(w.grants('refresh_token')[0]!.headers.has('dpop')).toBe(true)
  })
})
