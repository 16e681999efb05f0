import { useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import * as oauth from 'oauth4webapi'
import { describe, expect, test } from 'vitest'
import { memoryStorage } from '../storage/memory.js'
import { createDpop } from './dpop.js'

const server = useMockServer()
const ISSUER = 'https://auth.example.com'
const TOKEN_ENDPOINT = `${ISSUER}/token`
const RESOURCE = 'https://mcp.example.com/mcp'
const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2ln'

const as: oauth.AuthorizationServer = {
  issuer: ISSUER,
  token_endpoint: TOKEN_ENDPOINT,
  dpop_signing_alg_values_supported: ['ES256'],
}

const decoder = new TextDecoder()
const b64u = (part: string) =>
  Uint8Array.from(atob(part.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))
const json = (part: string) => JSON.parse(decoder.decode(b64u(part))) as Record<string, unknown>

interface Proof {
  header: { typ?: string; alg?: string; jwk?: JsonWebKey & Record<string, unknown> }
  payload: Record<string, unknown>
  verified: boolean
}

/** Decodes a proof and checks its signature with the key it embeds (RFC 9449 §4.3 steps 5-7). */
async function readProof(jwt: string | null): Promise<Proof> {
  const [h = '', p = '', s = ''] = (jwt ?? '').split('.')
  const header = json(h) as Proof['header']
  const key = await crypto.subtle.importKey(
    'jwk',
    header.jwk!,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  )
  const verified = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    b64u(s),
    new TextEncoder().encode(`${h}.${p}`),
  )
  return { header, payload: json(p), verified }
}

const sha256b64u = async (value: string) => {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)),
  )
  return btoa(String.fromCharCode(...digest))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
}

interface Seen {
  authorization: string | null
  dpop: string | null
  headers: Headers
  body: string
  url: string
}

/** An MCP endpoint that records requests; `answer` decides each response from its proof. */
function resourceServer(
  answer: (proof: Proof, n: number) => Response = () => HttpResponse.json({ ok: true }),
) {
  const seen: Seen[] = []
  server.use(
    http.post(RESOURCE, async ({ request }) => {
      const entry: Seen = {
        authorization: request.headers.get('authorization'),
        dpop: request.headers.get('dpop'),
        headers: request.headers,
        body: await request.text(),
        url: request.url,
      }
      seen.push(entry)
      return answer(await readProof(entry.dpop), seen.length)
    }),
  )
  return seen
}

const mcpRequest = (url = RESOURCE) =>
  new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  })

const setup = () => createDpop({ storage: memoryStorage() })

/** A binding whose key exists, as it does once a token was issued for it. */
async function keyed(dpop: ReturnType<typeof setup>, issuer = ISSUER, resource = RESOURCE) {
  const binding = dpop.binding(issuer, resource)
  await binding.thumbprint()
  return binding
}

const nonceChallenge = (nonce: string) =>
  new HttpResponse(null, {
    status: 401,
    headers: {
      'WWW-Authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"',
      'DPoP-Nonce': nonce,
    },
  })

describe('resource requests (RFC 9449 §4.2, §7.1)', () => {
  test('Authorization: DPoP and a proof with typ, alg, public jwk, htm, htu, iat, jti and ath', async () => {
    const seen = resourceServer()
    const binding = await keyed(setup(), ISSUER, RESOURCE)
    const before = Math.floor(Date.now() / 1000)
    const response = await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.authorization).toBe(`DPoP ${ACCESS_TOKEN}`)
    const proof = await readProof(seen[0]!.dpop)
    expect(proof.verified).toBe(true)
    expect(proof.header.typ).toBe('dpop+jwt')
    expect(proof.header.alg).toBe('ES256')
    expect(proof.header.jwk).toMatchObject({ kty: 'EC', crv: 'P-256' })
    expect(proof.header.jwk).not.toHaveProperty('d')
    expect(proof.payload.htm).toBe('POST')
    expect(proof.payload.htu).toBe(RESOURCE)
    expect(proof.payload.ath).toBe(await sha256b64u(ACCESS_TOKEN))
    expect(typeof proof.payload.jti).toBe('string')
    expect(proof.payload.iat).toBeGreaterThanOrEqual(before)
    expect(proof.payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
    expect(proof.payload).not.toHaveProperty('nonce')
  })

  test('the app request keeps its body and headers; an Authorization header of its own is replaced', async () => {
    const seen = resourceServer()
    const request = mcpRequest()
    request.headers.set('authorization', 'Bearer something-else')
    await (await keyed(setup(), ISSUER, RESOURCE)).resourceFetch(request, ACCESS_TOKEN, fetch)
    expect(seen[0]?.body).toBe(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }))
    expect(seen[0]?.headers.get('content-type')).toBe('application/json')
    expect(seen[0]?.headers.get('mcp-protocol-version')).toBe('2025-11-25')
    expect(seen[0]?.authorization).toBe(`DPoP ${ACCESS_TOKEN}`)
  })

  test('htu has neither query nor fragment, and a normalised origin', async () => {
    const seen = resourceServer()
    await (await keyed(setup(), ISSUER, RESOURCE)).resourceFetch(
      mcpRequest('HTTPS://MCP.Example.com:443/mcp?session=1#part'),
      ACCESS_TOKEN,
      fetch,
    )
    expect(seen).toHaveLength(1)
    expect((await readProof(seen[0]!.dpop)).payload.htu).toBe(RESOURCE)
  })

  test('a fresh proof per request: unique jti, same key', async () => {
    const seen = resourceServer()
    const binding = await keyed(setup(), ISSUER, RESOURCE)
    for (let i = 0; i < 5; i++) await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    const proofs = await Promise.all(seen.map((s) => readProof(s.dpop)))
    expect(new Set(proofs.map((p) => p.payload.jti)).size).toBe(5)
    expect(new Set(seen.map((s) => s.dpop)).size).toBe(5)
    expect(new Set(proofs.map((p) => JSON.stringify(p.header.jwk))).size).toBe(1)
  })

  test('ath follows the token: another token, another ath', async () => {
    const seen = resourceServer()
    const binding = await keyed(setup(), ISSUER, RESOURCE)
    await binding.resourceFetch(mcpRequest(), 'token-one', fetch)
    await binding.resourceFetch(mcpRequest(), 'token-two', fetch)
    const [one, two] = await Promise.all(seen.map((s) => readProof(s.dpop)))
    expect(one?.payload.ath).toBe(await sha256b64u('token-one'))
    expect(two?.payload.ath).toBe(await sha256b64u('token-two'))
  })

  test('a redirect is not followed with the token and proof', async () => {
    const seen = resourceServer(
      () =>
        new HttpResponse(null, {
          status: 307,
          headers: { location: 'https://mcp.example.com/elsewhere' },
        }),
    )
    let followed = 0
    server.use(
      http.post('https://mcp.example.com/elsewhere', () => {
        followed++
        return HttpResponse.json({})
      }),
    )
    const request = new Request(RESOURCE, { method: 'POST', body: '{}', redirect: 'follow' })
    const response = await (await keyed(setup(), ISSUER, RESOURCE)).resourceFetch(
      request,
      ACCESS_TOKEN,
      fetch,
    )
    expect(response.status).toBe(307)
    expect(seen).toHaveLength(1)
    expect(followed).toBe(0)
  })

  test('a URL outside the resource is refused before anything is sent', async () => {
    const seen = resourceServer()
    const binding = await keyed(setup(), ISSUER, RESOURCE)
    await expect(
      binding.resourceFetch(mcpRequest('https://evil.example.com/mcp'), ACCESS_TOKEN, fetch),
    ).rejects.toMatchObject({ code: 'invalid_configuration' })
    expect(seen).toHaveLength(0)
  })

  test('plain HTTP is refused except on loopback', async () => {
    const binding = await keyed(setup(), ISSUER, 'http://mcp.example.com/mcp')
    await expect(
      binding.resourceFetch(mcpRequest('http://mcp.example.com/mcp'), ACCESS_TOKEN, fetch),
    ).rejects.toMatchObject({ code: 'insecure_url' })
    server.use(http.post('http://127.0.0.1:4000/mcp', () => HttpResponse.json({})))
    const loopback = await keyed(setup(), ISSUER, 'http://127.0.0.1:4000/mcp')
    const response = await loopback.resourceFetch(
      mcpRequest('http://127.0.0.1:4000/mcp'),
      ACCESS_TOKEN,
      fetch,
    )
    expect(response.status).toBe(200)
  })
})

describe('resource server nonces (RFC 9449 §9)', () => {
  test('use_dpop_nonce gets exactly one retry, with the nonce, a new jti and the same body', async () => {
    const seen = resourceServer((proof) =>
      proof.payload.nonce === 'rs-1' ? HttpResponse.json({ ok: true }) : nonceChallenge('rs-1'),
    )
    const binding = await keyed(setup(), ISSUER, RESOURCE)
    const response = await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(2)
    const [first, retry] = await Promise.all(seen.map((s) => readProof(s.dpop)))
    expect(first?.payload.nonce).toBeUndefined()
    expect(retry?.payload.nonce).toBe('rs-1')
    expect(retry?.payload.jti).not.toBe(first?.payload.jti)
    expect(seen[1]?.body).toBe(seen[0]?.body)
  })

  test('the nonce is remembered: the next request carries it without a failed round trip', async () => {
    const seen = resourceServer((proof) =>
      proof.payload.nonce === 'rs-1' ? HttpResponse.json({ ok: true }) : nonceChallenge('rs-1'),
    )
    const dpop = setup()
    await (await keyed(dpop)).resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    expect(seen).toHaveLength(2)
    // Another key of the same kit instance, same origin: the nonce is shared per origin.
    await (await keyed(dpop, 'https://other-as.example.com', RESOURCE)).resourceFetch(
      mcpRequest(),
      ACCESS_TOKEN,
      fetch,
    )
    expect(seen).toHaveLength(3)
    expect((await readProof(seen[2]!.dpop)).payload.nonce).toBe('rs-1')
  })

  test('never a loop: a server that always asks for a new nonce gets two requests, and its 401', async () => {
    const seen = resourceServer((_proof, n) => nonceChallenge(`rs-${n}`))
    const response = await (await keyed(setup(), ISSUER, RESOURCE)).resourceFetch(
      mcpRequest(),
      ACCESS_TOKEN,
      fetch,
    )
    expect(response.status).toBe(401)
    expect(seen).toHaveLength(2)
  })

  test('no retry for other 401s, or for use_dpop_nonce without a DPoP-Nonce to use', async () => {
    const invalid = resourceServer(
      () =>
        new HttpResponse(null, {
          status: 401,
          headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"', 'DPoP-Nonce': 'n' },
        }),
    )
    const binding = await keyed(setup(), ISSUER, RESOURCE)
    expect((await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)).status).toBe(401)
    expect(invalid).toHaveLength(1)
    server.resetHandlers()
    const noNonce = resourceServer(
      () =>
        new HttpResponse(null, {
          status: 401,
          headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' },
        }),
    )
    expect((await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)).status).toBe(401)
    expect(noNonce).toHaveLength(1)
  })
})

describe('token requests (RFC 9449 §5, §8)', () => {
  const client: oauth.Client = { client_id: 'client-1' }
  function tokenEndpoint(answer: (proof: Proof, n: number) => Response) {
    const proofs: Proof[] = []
    server.use(
      http.post(TOKEN_ENDPOINT, async ({ request }) => {
        const proof = await readProof(request.headers.get('dpop'))
        proofs.push(proof)
        return answer(proof, proofs.length)
      }),
    )
    return proofs
  }
  const send = (binding: ReturnType<ReturnType<typeof setup>['binding']>) =>
    binding.tokenRequest(TOKEN_ENDPOINT, (headers) =>
      oauth.genericTokenEndpointRequest(
        as,
        client,
        oauth.None(),
        'refresh_token',
        { refresh_token: 'rt' },
        {
          headers,
          [oauth.customFetch]: fetch,
        },
      ),
    )
  const useNonce = (nonce: string) =>
    HttpResponse.json(
      { error: 'use_dpop_nonce' },
      { status: 400, headers: { 'DPoP-Nonce': nonce } },
    )
  const issued = () => HttpResponse.json({ access_token: 'at', token_type: 'DPoP', expires_in: 60 })

  test('a proof for POST to the token endpoint, without ath', async () => {
    const proofs = tokenEndpoint(issued)
    const response = await send(setup().binding(ISSUER, RESOURCE))
    expect(response.status).toBe(200)
    expect(proofs).toHaveLength(1)
    expect(proofs[0]?.verified).toBe(true)
    expect(proofs[0]?.payload).toMatchObject({ htm: 'POST', htu: TOKEN_ENDPOINT })
    expect(proofs[0]?.payload).not.toHaveProperty('ath')
  })

  test('use_dpop_nonce (400) gets exactly one retry carrying the nonce', async () => {
    const proofs = tokenEndpoint((proof) =>
      proof.payload.nonce === 'as-1' ? issued() : useNonce('as-1'),
    )
    const response = await send(setup().binding(ISSUER, RESOURCE))
    expect(response.status).toBe(200)
    expect(proofs.map((p) => p.payload.nonce)).toEqual([undefined, 'as-1'])
    expect(proofs[1]?.payload.jti).not.toBe(proofs[0]?.payload.jti)
  })

  test('never a loop: an endpoint that always asks for a nonce gets two requests, and its 400', async () => {
    const proofs = tokenEndpoint((_proof, n) => useNonce(`as-${n}`))
    const response = await send(setup().binding(ISSUER, RESOURCE))
    expect(response.status).toBe(400)
    expect(proofs).toHaveLength(2)
    expect(await response.json()).toEqual({ error: 'use_dpop_nonce' })
  })

  test('other 400s are not retried, and their body stays readable', async () => {
    const proofs = tokenEndpoint(() =>
      HttpResponse.json(
        { error: 'invalid_grant' },
        { status: 400, headers: { 'DPoP-Nonce': 'as-1' } },
      ),
    )
    const response = await send(setup().binding(ISSUER, RESOURCE))
    expect(proofs).toHaveLength(1)
    expect(await response.json()).toEqual({ error: 'invalid_grant' })
  })

  test('a nonce learnt by one server is used by the next server of the same issuer at once', async () => {
    const proofs = tokenEndpoint((proof) =>
      proof.payload.nonce === 'as-1' ? issued() : useNonce('as-1'),
    )
    const dpop = setup()
    await send(dpop.binding(ISSUER, RESOURCE))
    await send(dpop.binding(ISSUER, 'https://other.example.com/mcp'))
    expect(proofs.map((p) => p.payload.nonce)).toEqual([undefined, 'as-1', 'as-1'])
  })
})

describe('the key behind the proofs', () => {
  test('one binding per server and issuer; hasKey never creates a key', async () => {
    const dpop = setup()
    const binding = dpop.binding(ISSUER, RESOURCE)
    expect(dpop.binding(ISSUER, RESOURCE)).toBe(binding)
    expect(dpop.binding(ISSUER, 'https://other.example.com/mcp')).not.toBe(binding)
    expect(await binding.hasKey()).toBe(false)
    expect(await binding.hasKey()).toBe(false)
    await binding.thumbprint()
    expect(await binding.hasKey()).toBe(true)
    await binding.deleteKey()
    expect(await binding.hasKey()).toBe(false)
  })

  test('thumbprint is the RFC 7638 SHA-256 thumbprint of the embedded jwk', async () => {
    const seen = resourceServer()
    const binding = await keyed(setup())
    await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    const { jwk } = (await readProof(seen[0]!.dpop)).header
    const canonical = JSON.stringify({ crv: jwk?.crv, kty: jwk?.kty, x: jwk?.x, y: jwk?.y })
    expect(await binding.thumbprint()).toBe(await sha256b64u(canonical))
    expect(await binding.persistence()).toBe('storage')
  })

  test('a resource request never makes a key: without one it is dpop_key_lost, and nothing is sent', async () => {
    const seen = resourceServer()
    const binding = setup().binding(ISSUER, RESOURCE)
    await expect(binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)).rejects.toMatchObject({
      code: 'dpop_key_lost',
      name: 'TokenError',
    })
    expect(seen).toHaveLength(0)
    expect(await binding.hasKey()).toBe(false)
    await expect(binding.assertKey()).rejects.toMatchObject({ code: 'dpop_key_lost' })
  })

  test('deleteKey: the token bound to the key can no longer be presented; a new grant gets a new key', async () => {
    const seen = resourceServer()
    const storage = memoryStorage()
    const binding = await keyed(createDpop({ storage }))
    await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    const before = await binding.thumbprint()
    await binding.deleteKey()
    expect(await storage.keys('dpop-key:')).toEqual([])
    await expect(binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)).rejects.toMatchObject({
      code: 'dpop_key_lost',
    })
    expect(seen).toHaveLength(1)
    expect(await binding.thumbprint()).not.toBe(before)
  })

  test('release: the stored key goes at once, its proofs still sign the requests that end its tokens', async () => {
    const storage = memoryStorage()
    const dpop = createDpop({ storage })
    const binding = await keyed(dpop)
    const jkt = await binding.thumbprint()
    const revoke = await binding.release()
    expect(await storage.keys('dpop-key:')).toEqual([])
    expect(await binding.hasKey()).toBe(false)
    const proofs: Proof[] = []
    server.use(
      http.post(`${ISSUER}/revoke`, async ({ request }) => {
        proofs.push(await readProof(request.headers.get('dpop')))
        return new HttpResponse(null, { status: 200 })
      }),
    )
    const response = await revoke!(`${ISSUER}/revoke`, (headers) =>
      fetch(`${ISSUER}/revoke`, { method: 'POST', headers, body: 'token=rt' }),
    )
    expect(response.status).toBe(200)
    expect(proofs).toHaveLength(1)
    expect(proofs[0]?.verified).toBe(true)
    expect(proofs[0]?.payload).toMatchObject({ htm: 'POST', htu: `${ISSUER}/revoke` })
    const { jwk } = proofs[0]!.header
    const canonical = JSON.stringify({ crv: jwk?.crv, kty: jwk?.kty, x: jwk?.x, y: jwk?.y })
    expect(await sha256b64u(canonical)).toBe(jkt)
    // A new authorization that starts now gets a key of its own.
    expect(await binding.thumbprint()).not.toBe(jkt)
    expect(await setup().binding(ISSUER, RESOURCE).release()).toBeUndefined()
  })

  test('a refresh of a bound token (create: false) never makes a key', async () => {
    const binding = setup().binding(ISSUER, RESOURCE)
    let sent = 0
    const attempt = binding.tokenRequest(
      TOKEN_ENDPOINT,
      async () => {
        sent++
        return new Response(null)
      },
      false,
    )
    await expect(attempt).rejects.toMatchObject({ code: 'dpop_key_lost' })
    expect(sent).toBe(0)
    expect(await binding.hasKey()).toBe(false)
  })
})

describe('errors a binding raises', () => {
  test('dpop_key_lost names the server, with issuer and resource in its details', async () => {
    const binding = setup().binding(ISSUER, RESOURCE)
    for (const attempt of [
      binding.assertKey(),
      binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch),
    ]) {
      const error = await attempt.catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'TokenError',
        code: 'dpop_key_lost',
        message: `The DPoP key the tokens for ${RESOURCE} are bound to is gone: authorize again`,
      })
      expect((error as { details: unknown }).details).toEqual({
        issuer: ISSUER,
        resource: RESOURCE,
      })
    }
  })

  test('assertKey resolves while the key exists', async () => {
    const binding = await keyed(setup())
    await expect(binding.assertKey()).resolves.toBeUndefined()
  })

  test('a URL outside the resource: the message names the URL and the resource', async () => {
    const binding = await keyed(setup())
    await expect(
      binding.resourceFetch(mcpRequest('https://mcp.example.com/other'), ACCESS_TOKEN, fetch),
    ).rejects.toMatchObject({
      name: 'ConfigurationError',
      code: 'invalid_configuration',
      message: `https://mcp.example.com/other is outside ${RESOURCE}`,
    })
  })

  test('plain HTTP: the message names the scheme and the origin', async () => {
    const binding = await keyed(setup(), ISSUER, 'http://mcp.example.com/mcp')
    await expect(
      binding.resourceFetch(mcpRequest('http://mcp.example.com/mcp'), ACCESS_TOKEN, fetch),
    ).rejects.toMatchObject({
      name: 'ConfigurationError',
      code: 'insecure_url',
      message: 'Refusing to send a token over http: to http://mcp.example.com',
    })
  })
})

describe('answers that are retried are released', () => {
  test('the body of a resource nonce challenge is cancelled before the retry', async () => {
    const answers: Response[] = []
    const fetchFn = (async (request: Request) => {
      const nonce = (await readProof(request.headers.get('dpop'))).payload.nonce
      const response =
        nonce === 'rs-1'
          ? Response.json({ ok: true })
          : new Response('{"error":"use_dpop_nonce"}', {
              status: 401,
              headers: {
                'WWW-Authenticate': 'DPoP error="use_dpop_nonce"',
                'DPoP-Nonce': 'rs-1',
              },
            })
      answers.push(response)
      return response
    }) as typeof fetch
    const binding = await keyed(setup())
    const response = await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetchFn)
    expect(answers).toHaveLength(2)
    expect(answers[0]?.bodyUsed).toBe(true)
    expect(response).toBe(answers[1])
    expect(await response.json()).toEqual({ ok: true })
  })

  test('the body of a token endpoint nonce challenge is cancelled before the retry', async () => {
    const answers: Response[] = []
    const binding = setup().binding(ISSUER, RESOURCE)
    const response = await binding.tokenRequest(TOKEN_ENDPOINT, async ({ dpop }) => {
      const nonce = (await readProof(dpop)).payload.nonce
      const answer =
        nonce === 'as-1'
          ? Response.json({ access_token: 'at', token_type: 'DPoP' })
          : Response.json(
              { error: 'use_dpop_nonce' },
              { status: 400, headers: { 'DPoP-Nonce': 'as-1' } },
            )
      answers.push(answer)
      return answer
    })
    expect(answers).toHaveLength(2)
    expect(answers[0]?.bodyUsed).toBe(true)
    expect(response).toBe(answers[1])
    expect(response.bodyUsed).toBe(false)
  })

  test('a request without a body (GET) is sent and answered as usual', async () => {
    const seen: Request[] = []
    const fetchFn = (async (request: Request) => {
      seen.push(request)
      return Response.json({ ok: true })
    }) as typeof fetch
    const binding = await keyed(setup())
    const response = await binding.resourceFetch(new Request(RESOURCE), ACCESS_TOKEN, fetchFn)
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.redirect).toBe('manual')
    const proof = await readProof(seen[0]!.headers.get('dpop'))
    expect(proof.payload).toMatchObject({ htm: 'GET', htu: RESOURCE })
  })
})

describe('the key a binding keeps in memory', () => {
  test('persistence of a new binding creates its key: storage, or memory when the storage cannot keep it', async () => {
    const storage = memoryStorage()
    expect(await createDpop({ storage }).binding(ISSUER, RESOURCE).persistence()).toBe('storage')
    expect(await storage.keys('dpop-key:')).toHaveLength(1)
    const json = new Map<string, string>()
    const jsonStorage = {
      kind: 'custom' as const,
      get: async (key: string) => (json.has(key) ? JSON.parse(json.get(key)!) : undefined),
      set: async (key: string, value: unknown) => {
        json.set(key, JSON.stringify(value))
      },
      delete: async (key: string) => {
        json.delete(key)
      },
      keys: async (prefix: string) => [...json.keys()].filter((k) => k.startsWith(prefix)),
    }
    expect(await createDpop({ storage: jsonStorage }).binding(ISSUER, RESOURCE).persistence()).toBe(
      'memory',
    )
  })

  test('a failed lookup does not make the binding forget a key loaded meanwhile', async () => {
    const seen = resourceServer()
    const storage = memoryStorage()
    const binding = createDpop({ storage }).binding(ISSUER, RESOURCE)
    const signed: string[] = []
    const send = async ({ dpop }: { dpop: string }) => {
      signed.push(dpop)
      return new Response(null)
    }
    // A refresh that finds no key, while an authorization creates one.
    const refresh = binding.tokenRequest(TOKEN_ENDPOINT, send, false)
    const authorization = binding.tokenRequest(TOKEN_ENDPOINT, send, true)
    await expect(refresh).rejects.toMatchObject({ code: 'dpop_key_lost' })
    await authorization
    expect(signed).toHaveLength(1)
    // The stored copy goes (another tab's disconnect): this page still signs with its key.
    await storage.delete(`dpop-key:${ISSUER} ${RESOURCE}`)
    const response = await binding.resourceFetch(mcpRequest(), ACCESS_TOKEN, fetch)
    expect(response.status).toBe(200)
    expect(seen).toHaveLength(1)
    const resourceKey = (await readProof(seen[0]!.dpop)).header.jwk
    const tokenKey = (await readProof(signed[0]!)).header.jwk
    expect(resourceKey).toEqual(tokenKey)
  })
})
