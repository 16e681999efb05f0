import { useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import type { AuthorizationServer } from 'oauth4webapi'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { RECORD_VERSION } from '../contracts/records.js'
import { McpAuthError } from '../errors.js'
import { authenticateClient } from '../http/endpoint-request.js'
import { defaultFetch } from '../http/transport-error.js'
import { chooseAuthMethod } from './client-auth.js'
import { manualClient, normalizeClientId } from './manual-client.js'
import { metadataDocumentClient } from './metadata-document-client.js'
import { registerDynamicClient } from './register.js'

const server = useMockServer()
const ISSUER = 'https://auth.example.com'
const as = (extra: Partial<AuthorizationServer> = {}): AuthorizationServer => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  registration_endpoint: `${ISSUER}/register`,
  code_challenge_methods_supported: ['S256'],
  ...extra,
})
const REDIRECT = 'https://app.example/oauth/callback'

/** Answers registration with `answer(body)`, recording every body. */
function registrar(answer: (body: Record<string, unknown>) => Response) {
  const bodies: Record<string, unknown>[] = []
  server.use(
    http.post(`${ISSUER}/register`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>
      bodies.push(body)
      return answer(body)
    }),
  )
  return bodies
}
const created =
  (extra: Record<string, unknown> = {}) =>
  (body: Record<string, unknown>) =>
    HttpResponse.json({ ...body, client_id: 'dyn-1', ...extra }, { status: 201 })

describe('normalizeClientId', () => {
  test.each(['', ' ', '\t\n', undefined, null, 42, {}])('refuses %j', (value) => {
    expect(() => normalizeClientId(value)).toThrow(
      expect.objectContaining({ code: 'invalid_client_id' }),
    )
  })
  test('trims surrounding white space', () => {
    expect(normalizeClientId('  my-app ')).toBe('my-app')
  })
})

describe('registerDynamicClient (RFC 7591)', () => {
  test('web application for an https redirect URI; refresh_token grant; public client', async () => {
    const bodies = registrar(created())
    const client = await registerDynamicClient(
      fetch,
      as(),
      REDIRECT,
      { name: 'Chat', uri: 'https://app.example' },
      'read',
    )
    expect(bodies[0]).toEqual({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      client_name: 'Chat',
      client_uri: 'https://app.example',
      scope: 'read',
    })
    expect(client).toEqual({
      v: RECORD_VERSION,
      issuer: ISSUER,
      redirectUri: REDIRECT,
      clientId: 'dyn-1',
      tokenEndpointAuthMethod: 'none',
      kind: 'dynamic',
      scope: 'read',
    })
  })

  test.each(['http://localhost:5173/cb', 'http://127.0.0.1:8765/cb', 'http://[::1]/cb'])(
    'native application for the loopback redirect URI %s',
    async (redirectUri) => {
      const bodies = registrar(created())
      await registerDynamicClient(fetch, as(), redirectUri, undefined, undefined)
      expect(bodies[0]).toMatchObject({ application_type: 'native', redirect_uris: [redirectUri] })
      expect(bodies[0]).not.toHaveProperty('scope')
    },
  )

  test.each([
    [undefined, 'none'],
    [['none', 'client_secret_basic'], 'none'],
    [['client_secret_basic', 'client_secret_post'], 'client_secret_basic'],
    [['client_secret_post'], 'client_secret_post'],
  ])('token_endpoint_auth_methods_supported %j → asks for %s', async (supported, method) => {
    const bodies = registrar(created(method === 'none' ? {} : { client_secret: 'shh' }))
    const client = await registerDynamicClient(
      fetch,
      as(supported ? { token_endpoint_auth_methods_supported: supported } : {}),
      REDIRECT,
      undefined,
      undefined,
    )
    expect(bodies[0]?.token_endpoint_auth_method).toBe(method)
    expect(client.tokenEndpointAuthMethod).toBe(method)
    if (method !== 'none') expect(client.clientSecret).toBe('shh')
  })

  test('the method the AS registered wins over the one asked for', async () => {
    registrar(created({ token_endpoint_auth_method: 'client_secret_post', client_secret: 'x' }))
    const client = await registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined)
    expect(client).toMatchObject({
      tokenEndpointAuthMethod: 'client_secret_post',
      clientSecret: 'x',
    })
  })

  test.each([
    [
      'a 400 invalid_request',
      () => HttpResponse.json({ error: 'invalid_request' }, { status: 400 }),
      'registration_failed',
    ],
    ['a 404', () => new HttpResponse(null, { status: 404 }), 'registration_failed'],
    ['a 503', () => new HttpResponse(null, { status: 503 }), 'server_error'],
    [
      'a 500 naming a refusal code',
      () => HttpResponse.json({ error: 'invalid_redirect_uri' }, { status: 500 }),
      'server_error',
    ],
    [
      'no client_id',
      () => HttpResponse.json({ client_name: 'x' }, { status: 201 }),
      'registration_failed',
    ],
    [
      'a blank client_id',
      () => HttpResponse.json({ client_id: '  ' }, { status: 201 }),
      'invalid_client_id',
    ],
    [
      'a numeric client_id',
      () => HttpResponse.json({ client_id: 7 }, { status: 201 }),
      'registration_failed',
    ],
    ['not JSON', () => new HttpResponse('ok', { status: 201 }), 'registration_failed'],
  ])('%s → %s', async (_n, answer, code) => {
    registrar(answer)
    await expect(
      registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined),
    ).rejects.toMatchObject({ code })
  })

  // RFC 7591 §3.2.2: each refusal is told apart, so the app can say why and ask for a client ID.
  test.each<[number, { error: string; error_description?: string } | undefined, string]>([
    [403, undefined, 'forbidden'],
    [403, { error: 'access_denied', error_description: 'Unknown client_name' }, 'forbidden'],
    [401, { error: 'invalid_token' }, 'initial_access_token_required'],
    [401, undefined, 'initial_access_token_required'],
    [400, { error: 'invalid_redirect_uri' }, 'invalid_redirect_uri'],
    [400, { error: 'invalid_client_metadata' }, 'invalid_client_metadata'],
    [400, { error: 'unapproved_software_statement' }, 'unapproved_software_statement'],
    [400, { error: 'invalid_software_statement' }, 'invalid_software_statement'],
    // The error code says more than the status.
    [403, { error: 'invalid_redirect_uri' }, 'invalid_redirect_uri'],
  ])('HTTP %i %j → registration_refused, reason %s', async (status, body, reason) => {
    registrar(() =>
      body ? HttpResponse.json(body, { status }) : new HttpResponse('Forbidden', { status }),
    )
    const error = await registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({
      name: 'RegistrationError',
      code: 'registration_refused',
      message: `Dynamic client registration at ${ISSUER}/register was refused (HTTP ${status}${body ? ` ${body.error}` : ''})`,
      details: {
        status,
        reason,
        ...(body ? { error: body.error } : {}),
        ...(body?.error_description ? { description: body.error_description } : {}),
      },
    })
    expect((error as McpAuthError).transient).toBe(false)
  })

  test.each(['constructor', 'toString', '__proto__'])(
    'an error code %s that names no refusal is registration_failed',
    async (code) => {
      registrar(() => HttpResponse.json({ error: code }, { status: 400 }))
      await expect(
        registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined),
      ).rejects.toMatchObject({
        code: 'registration_failed',
        details: { status: 400, error: code },
      })
    },
  )

  test('a long error_description is cut to 200 characters; a non-string one is left out', async () => {
    registrar(() =>
      HttpResponse.json(
        { error: 'invalid_client_metadata', error_description: 'x'.repeat(500) },
        { status: 400 },
      ),
    )
    const error = (await registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined).catch(
      (e: unknown) => e,
    )) as McpAuthError
    expect(error.details?.description).toBe('x'.repeat(200))
    registrar(() =>
      HttpResponse.json(
        { error: 'invalid_client_metadata', error_description: 7 },
        { status: 400 },
      ),
    )
    const second = (await registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined).catch(
      (e: unknown) => e,
    )) as McpAuthError
    expect(second.details).toEqual({
      status: 400,
      reason: 'invalid_client_metadata',
      error: 'invalid_client_metadata',
    })
  })

  test('a network failure is a transient network_error', async () => {
    server.use(http.post(`${ISSUER}/register`, () => HttpResponse.error()))
    await expect(
      registerDynamicClient(fetch, as(), REDIRECT, undefined, undefined),
    ).rejects.toMatchObject({
      code: 'network_error',
    })
  })

  test('an insecure registration endpoint is refused before any request', async () => {
    const bodies = registrar(created())
    await expect(
      registerDynamicClient(
        fetch,
        as({ registration_endpoint: 'http://auth.example.com/register' }),
        REDIRECT,
        undefined,
        undefined,
      ),
    ).rejects.toMatchObject({ code: 'insecure_url' })
    expect(bodies).toEqual([])
  })

  test('a loopback AS over plain http works (development)', async () => {
    const issuer = 'http://127.0.0.1:9000'
    server.use(
      http.post(`${issuer}/register`, () =>
        HttpResponse.json({ client_id: 'local' }, { status: 201 }),
      ),
    )
    const client = await registerDynamicClient(
      fetch,
      as({ issuer, registration_endpoint: `${issuer}/register` }),
      'http://127.0.0.1:5173/cb',
      undefined,
      undefined,
    )
    expect(client).toMatchObject({ clientId: 'local', issuer })
  })
})

describe('manualClient: pre-registered or typed credentials, bound to one issuer', () => {
  test.each([
    [{ clientId: 'a' }, undefined, 'none'],
    [{ clientId: 'a', clientSecret: 's' }, undefined, 'client_secret_basic'],
    [{ clientId: 'a', clientSecret: 's' }, ['client_secret_post'], 'client_secret_post'],
    [
      { clientId: 'a', clientSecret: 's' },
      ['client_secret_basic', 'client_secret_post'],
      'client_secret_basic',
    ],
    [
      { clientId: 'a', clientSecret: 's', tokenEndpointAuthMethod: 'client_secret_post' as const },
      undefined,
      'client_secret_post',
    ],
    [{ clientId: 'a', clientSecret: '   ' }, undefined, 'none'],
  ])('%j with AS methods %j → %s', (credentials, supported, method) => {
    const client = manualClient(
      as(supported ? { token_endpoint_auth_methods_supported: supported } : {}),
      REDIRECT,
      credentials,
      'pre-registered',
    )
    expect(client).toMatchObject({
      issuer: ISSUER,
      clientId: 'a',
      tokenEndpointAuthMethod: method,
      kind: 'pre-registered',
    })
    if (method === 'none') expect(client).not.toHaveProperty('clientSecret')
  })

  test.each(['', '   '])('an empty client ID %j is refused', (clientId) => {
    expect(() => manualClient(as(), REDIRECT, { clientId }, 'manual')).toThrow(
      expect.objectContaining({ code: 'invalid_client_id' }),
    )
  })
})

describe('metadataDocumentClient (client ID metadata documents)', () => {
  const url = 'https://app.example/oauth/client.json'
  test('used only when the AS advertises support and a document URL is configured', () => {
    expect(
      metadataDocumentClient(as({ client_id_metadata_document_supported: true }), REDIRECT, url),
    ).toMatchObject({
      clientId: url,
      tokenEndpointAuthMethod: 'none',
      kind: 'metadata-document',
      issuer: ISSUER,
    })
    expect(metadataDocumentClient(as(), REDIRECT, url)).toBeUndefined()
    expect(
      metadataDocumentClient(as({ client_id_metadata_document_supported: false }), REDIRECT, url),
    ).toBeUndefined()
    expect(
      metadataDocumentClient(
        as({ client_id_metadata_document_supported: true }),
        REDIRECT,
        undefined,
      ),
    ).toBeUndefined()
  })

  test.each([
    'http://app.example/client.json',
    'https://app.example/',
    'https://app.example/c.json#x',
  ])('an unusable document URL %s is not a client ID', (bad) => {
    expect(
      metadataDocumentClient(as({ client_id_metadata_document_supported: true }), REDIRECT, bad),
    ).toBeUndefined()
  })

  // The kit's one rule (https, or http on loopback), and no AS can fetch another machine's loopback.
  test.each([
    ['http://127.0.0.1:5173/oauth/client.json', 'http://127.0.0.1:9000', true],
    ['http://localhost:5173/oauth/client.json', 'http://[::1]:9000', true],
    ['https://localhost/oauth/client.json', 'http://localhost:9000', true],
    ['http://127.0.0.1:5173/oauth/client.json', 'https://auth.example.com', false],
    ['https://localhost/oauth/client.json', 'https://auth.example.com', false],
    ['https://app.example/oauth/client.json', 'http://127.0.0.1:9000', true],
  ])('document %s with the AS %s: used %s', (url, issuer, used) => {
    const client = metadataDocumentClient(
      as({ issuer, client_id_metadata_document_supported: true }),
      REDIRECT,
      url,
    )
    expect(client?.clientId).toBe(used ? url : undefined)
  })
})

describe('client authentication at the token endpoint', () => {
  const apply = (
    method: 'none' | 'client_secret_basic' | 'client_secret_post',
    clientId: string,
    secret?: string,
  ) => {
    const headers = new Headers()
    const body = new URLSearchParams()
    authenticateClient(
      { clientId, tokenEndpointAuthMethod: method, ...(secret ? { clientSecret: secret } : {}) },
      body,
      headers,
    )
    return Promise.resolve({ headers, body })
  }

  test('client_secret_basic form-encodes ID and secret before base64 (RFC 6749 §2.3.1)', async () => {
    const { headers, body } = await apply('client_secret_basic', 'my app:1', 'p@ss/wörd')
    const encoded = headers.get('authorization')!.replace(/^Basic /, '')
    expect(new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)))).toBe(
      'my+app%3A1:p%40ss%2Fw%C3%B6rd',
    )
    expect(body.has('client_secret')).toBe(false)
  })

  test('client_secret_basic leaves the form-safe characters -._* alone', async () => {
    const { headers } = await apply('client_secret_basic', 'my-app_1.x*', 's-3')
    expect(headers.get('authorization')).toBe(`Basic ${btoa('my-app_1.x*:s-3')}`)
  })

  test('client_secret_post puts ID and secret in the body', async () => {
    const { headers, body } = await apply('client_secret_post', 'a', 's')
    expect(headers.has('authorization')).toBe(false)
    expect(body.get('client_id')).toBe('a')
    expect(body.get('client_secret')).toBe('s')
  })

  test('none sends only the client ID', async () => {
    const { headers, body } = await apply('none', 'a')
    expect(headers.has('authorization')).toBe(false)
    expect(body.get('client_id')).toBe('a')
    expect(body.has('client_secret')).toBe(false)
  })

  test('chooseAuthMethod: a configured method wins; no secret means none', () => {
    expect(chooseAuthMethod(as(), false)).toBe('none')
    expect(
      chooseAuthMethod(
        as({ token_endpoint_auth_methods_supported: ['client_secret_post'] }),
        true,
        'client_secret_basic',
      ),
    ).toBe('client_secret_basic')
  })
})

describe('registerDynamicClient: requests, answers and errors', () => {
  afterEach(() => vi.unstubAllGlobals())
  const register = (server = as()) =>
    registerDynamicClient(fetch, server, REDIRECT, undefined, undefined)

  test('a POST of JSON, asking for JSON, named "MCP client" by default, with a logo when given', async () => {
    const requests: Request[] = []
    server.use(
      http.post(`${ISSUER}/register`, ({ request }) => {
        requests.push(request.clone())
        return HttpResponse.json({ client_id: 'dyn-1' }, { status: 201 })
      }),
    )
    await registerDynamicClient(
      fetch,
      as(),
      REDIRECT,
      { logoUri: 'https://app.example/l.png' },
      undefined,
    )
    expect(requests).toHaveLength(1)
    expect(requests[0]!.method).toBe('POST')
    expect(requests[0]!.headers.get('content-type')).toBe('application/json')
    expect(requests[0]!.headers.get('accept')).toBe('application/json')
    expect(await requests[0]!.json()).toMatchObject({
      client_name: 'MCP client',
      logo_uri: 'https://app.example/l.png',
    })
  })

  test('an insecure endpoint is named registration_endpoint', async () => {
    await expect(
      register(as({ registration_endpoint: 'http://auth.example.com/register' })),
    ).rejects.toThrow(/^registration_endpoint must use https/)
  })

  test.each([
    [500, 'server_error'],
    [499, 'registration_failed'],
  ])('HTTP %i → %s, quoting the endpoint, the status and the error code', async (status, code) => {
    registrar(() => HttpResponse.json({ error: 'x' }, { status }))
    const error = await register().catch((e) => e)
    expect(error).toMatchObject({
      name: 'RegistrationError',
      code,
      message: `Dynamic client registration at ${ISSUER}/register failed (HTTP ${status} x)`,
      details: { status, error: 'x' },
    })
    expect(error.details).not.toHaveProperty('reason')
  })

  test('without an error code, the message quotes the status only', async () => {
    registrar(() => new HttpResponse(null, { status: 502 }))
    await expect(register()).rejects.toMatchObject({
      message: `Dynamic client registration at ${ISSUER}/register failed (HTTP 502)`,
      details: { status: 502 },
    })
  })

  test.each([400, 202])('a client_id with HTTP %i is still a failure', async (status) => {
    registrar(() => HttpResponse.json({ client_id: 'x' }, { status }))
    await expect(register()).rejects.toMatchObject({ code: 'registration_failed' })
  })

  test('HTTP 200 with a client_id is accepted', async () => {
    registrar(() => HttpResponse.json({ client_id: 'ok-200' }, { status: 200 }))
    expect((await register()).clientId).toBe('ok-200')
  })

  test.each([
    ['null', 'null'],
    ['an array', '[{"client_id":"x"}]'],
    ['a string', '"x"'],
  ])('%s as body is a failure', async (_n, text) => {
    registrar(
      () =>
        new HttpResponse(text, { status: 201, headers: { 'content-type': 'application/json' } }),
    )
    await expect(register()).rejects.toMatchObject({ code: 'registration_failed' })
  })

  test('a client_secret that is not a string is ignored', async () => {
    registrar(() => HttpResponse.json({ client_id: 'c', client_secret: 42 }, { status: 201 }))
    const client = await register()
    expect(client).not.toHaveProperty('clientSecret')
    expect(client.tokenEndpointAuthMethod).toBe('none')
  })

  test.each(['client_secret_basic', 'client_secret_post', 'none'] as const)(
    'the registered method %s is kept even when the AS metadata suggests another',
    async (method) => {
      registrar(() =>
        HttpResponse.json(
          { client_id: 'c', client_secret: 's', token_endpoint_auth_method: method },
          { status: 201 },
        ),
      )
      const supported =
        method === 'client_secret_post' ? ['client_secret_basic'] : ['client_secret_post']
      const client = await register(as({ token_endpoint_auth_methods_supported: supported }))
      expect(client.tokenEndpointAuthMethod).toBe(method)
    },
  )

  test('an unknown registered method is replaced by one for the secret the client got', async () => {
    registrar(() =>
      HttpResponse.json(
        { client_id: 'c', client_secret: 's', token_endpoint_auth_method: 'private_key_jwt' },
        { status: 201 },
      ),
    )
    expect((await register()).tokenEndpointAuthMethod).toBe('client_secret_basic')
    registrar(() =>
      HttpResponse.json(
        { client_id: 'c', token_endpoint_auth_method: 'private_key_jwt' },
        { status: 201 },
      ),
    )
    expect((await register()).tokenEndpointAuthMethod).toBe('none')
  })

  test('an error of the kit thrown by the fetch is passed on as is', async () => {
    const cancelled = new McpAuthError('cancelled', 'stop')
    const fetchFn = (async () => {
      throw cancelled
    }) as typeof fetch
    await expect(registerDynamicClient(fetchFn, as(), REDIRECT, undefined, undefined)).rejects.toBe(
      cancelled,
    )
  })

  test('a registration request blocked by CORS in a browser names the registration step', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async (_input: unknown, init: RequestInit = {}) => {
      if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    })
    const error = await registerDynamicClient(
      defaultFetch,
      as(),
      REDIRECT,
      undefined,
      undefined,
    ).catch((e) => e)
    expect(error).toMatchObject({
      code: 'cors_blocked',
      details: { url: `${ISSUER}/register`, step: 'registration' },
    })
  })
})

describe('client authentication choices', () => {
  test('with a secret and only unknown methods advertised, client_secret_basic is the default', () => {
    expect(
      chooseAuthMethod(as({ token_endpoint_auth_methods_supported: ['private_key_jwt'] }), true),
    ).toBe('client_secret_basic')
    expect(
      chooseAuthMethod(
        as({ token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post'] }),
        true,
      ),
    ).toBe('client_secret_post')
  })

  test('a client ID that is not a string is refused with a message saying so', () => {
    expect(() => normalizeClientId(3)).toThrow('A client ID must be a non-empty string')
  })
})
