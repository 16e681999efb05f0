import { deferred, recordingFetch, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { defaultFetch } from '../http/transport-error.js'
import {
  authorizationServerMetadataUrls,
  discoverAuthorizationServer,
  discoverLegacyAuthorizationServer,
  validateAuthorizationServerMetadata,
} from './authorization-server.js'
import { issuerHints } from './issuer-hints.js'

const server = useMockServer()

const metadata = (issuer: string, extra: Record<string, unknown> = {}) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  code_challenge_methods_supported: ['S256'],
  ...extra,
})

/** Serves documents by exact URL; any other GET on an https host is a 404. */
function serve(documents: Record<string, () => Response | Promise<Response>>) {
  server.use(
    http.get(
      'https://*/*',
      ({ request }) => documents[request.url]?.() ?? new HttpResponse(null, { status: 404 }),
    ),
    http.get(
      'http://*/*',
      ({ request }) => documents[request.url]?.() ?? new HttpResponse(null, { status: 404 }),
    ),
  )
}

const TENANT = 'https://auth.example.com/tenant1'
const TENANT_URLS = [
  'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
  'https://auth.example.com/.well-known/openid-configuration/tenant1',
  'https://auth.example.com/tenant1/.well-known/openid-configuration',
]
const ROOT = 'https://auth.example.com'
const ROOT_URLS = [
  'https://auth.example.com/.well-known/oauth-authorization-server',
  'https://auth.example.com/.well-known/openid-configuration',
]

describe('authorizationServerMetadataUrls (RFC 8414 §3.1, OIDC Discovery §4)', () => {
  test('an issuer with a path: RFC 8414 insertion, OIDC insertion, OIDC append', () => {
    expect(authorizationServerMetadataUrls(TENANT)).toEqual(TENANT_URLS)
  })

  test('a trailing slash on a path issuer is not doubled into the URLs', () => {
    expect(authorizationServerMetadataUrls(`${TENANT}/`)).toEqual(TENANT_URLS)
  })

  test('a root issuer: RFC 8414, then OIDC', () => {
    expect(authorizationServerMetadataUrls(ROOT)).toEqual(ROOT_URLS)
    expect(authorizationServerMetadataUrls(`${ROOT}/`)).toEqual(ROOT_URLS)
  })

  test('never the root RFC 8414 URL for an issuer with a path', () => {
    for (const issuer of [TENANT, 'https://auth.example.com/a/b']) {
      expect(authorizationServerMetadataUrls(issuer)).not.toContain(ROOT_URLS[0])
      expect(authorizationServerMetadataUrls(issuer)).not.toContain(ROOT_URLS[1])
    }
  })
})

describe('discoverAuthorizationServer', () => {
  test('requests every candidate before the first one answers (no round trip per miss)', async () => {
    const first = deferred()
    // A sequential implementation would wait for the first answer forever: give up after 500 ms.
    const giveUp = setTimeout(() => first.resolve(), 500)
    const asked: string[] = []
    const firstAnswered = { value: false }
    let askedBeforeFirstAnswered: string[] = []
    server.use(
      http.get('https://auth.example.com/*', async ({ request }) => {
        asked.push(request.url)
        if (asked.length === TENANT_URLS.length) {
          askedBeforeFirstAnswered = firstAnswered.value ? [] : [...asked]
          first.resolve()
        }
        if (request.url === TENANT_URLS[0]) {
          await first.promise
          firstAnswered.value = true
          return new HttpResponse(null, { status: 404 })
        }
        if (request.url === TENANT_URLS[2]) return HttpResponse.json(metadata(TENANT))
        return new HttpResponse(null, { status: 404 })
      }),
    )
    const as = await discoverAuthorizationServer(fetch, TENANT)
    clearTimeout(giveUp)
    expect(as.issuer).toBe(TENANT)
    expect([...askedBeforeFirstAnswered].sort()).toEqual([...TENANT_URLS].sort())
  })

  test('the first valid document in priority order wins, even when a later one answers first', async () => {
    const slow = deferred()
    serve({
      [TENANT_URLS[0]!]: async () => {
        await slow.promise
        return HttpResponse.json(metadata(TENANT, { scopes_supported: ['from-8414'] }))
      },
      [TENANT_URLS[1]!]: () => {
        setTimeout(() => slow.resolve(), 20)
        return HttpResponse.json(metadata(TENANT, { scopes_supported: ['from-oidc'] }))
      },
      [TENANT_URLS[2]!]: () =>
        HttpResponse.json(metadata(TENANT, { scopes_supported: ['append'] })),
    })
    expect((await discoverAuthorizationServer(fetch, TENANT)).scopes_supported).toEqual([
      'from-8414',
    ])
  })

  test('an invalid higher-priority document is skipped for a valid lower one', async () => {
    serve({
      [TENANT_URLS[0]!]: () => HttpResponse.json(metadata('https://evil.example.com')),
      [TENANT_URLS[1]!]: () => HttpResponse.json(metadata(TENANT, { scopes_supported: ['ok'] })),
    })
    expect((await discoverAuthorizationServer(fetch, TENANT)).scopes_supported).toEqual(['ok'])
  })

  test('a path issuer never reaches the root metadata URLs', async () => {
    serve({
      [ROOT_URLS[0]!]: () => HttpResponse.json(metadata(TENANT)),
      [ROOT_URLS[1]!]: () => HttpResponse.json(metadata(TENANT)),
    })
    const recorder = recordingFetch()
    await expect(discoverAuthorizationServer(recorder.fetch, TENANT)).rejects.toMatchObject({
      code: 'authorization_server_not_found',
    })
    expect(recorder.urls.sort()).toEqual([...TENANT_URLS].sort())
  })

  test('a root issuer: RFC 8414 first, then OIDC', async () => {
    serve({ [ROOT_URLS[1]!]: () => HttpResponse.json(metadata(ROOT)) })
    const recorder = recordingFetch()
    expect((await discoverAuthorizationServer(recorder.fetch, ROOT)).issuer).toBe(ROOT)
    expect(recorder.urls).toEqual(ROOT_URLS)
  })

  test.each([
    ['the configured issuer has a slash, the document not', `${ROOT}/`, ROOT],
    ['the document has a slash, the configured issuer not', ROOT, `${ROOT}/`],
    ['different case', ROOT, 'https://AUTH.example.com'],
    ['a default port spelled out', ROOT, 'https://auth.example.com:443'],
  ])('issuer compared as an exact string: %s → issuer_mismatch', async (_n, issuer, published) => {
    serve({
      [ROOT_URLS[0]!]: () => HttpResponse.json(metadata(ROOT, { issuer: published })),
      [ROOT_URLS[1]!]: () => HttpResponse.json(metadata(ROOT, { issuer: published })),
    })
    await expect(discoverAuthorizationServer(fetch, issuer)).rejects.toMatchObject({
      code: 'issuer_mismatch',
      details: { expected: issuer, actual: published },
    })
  })

  test('an issuer with a trailing slash matches a document with the same slash', async () => {
    serve({ [ROOT_URLS[0]!]: () => HttpResponse.json(metadata(ROOT, { issuer: `${ROOT}/` })) })
    expect((await discoverAuthorizationServer(fetch, `${ROOT}/`)).issuer).toBe(`${ROOT}/`)
  })

  test('all candidates missing → authorization_server_not_found listing what was tried', async () => {
    serve({})
    await expect(discoverAuthorizationServer(fetch, TENANT)).rejects.toMatchObject({
      code: 'authorization_server_not_found',
      details: { tried: TENANT_URLS },
    })
  })

  test('a network failure with no valid document → network_error', async () => {
    server.use(http.get('https://auth.example.com/*', () => HttpResponse.error()))
    await expect(discoverAuthorizationServer(fetch, ROOT)).rejects.toMatchObject({
      code: 'network_error',
    })
  })

  test('a failing candidate does not hide a valid one', async () => {
    server.use(
      http.get(ROOT_URLS[0]!, () => HttpResponse.error()),
      http.get(ROOT_URLS[1]!, () => HttpResponse.json(metadata(ROOT))),
    )
    expect((await discoverAuthorizationServer(fetch, ROOT)).issuer).toBe(ROOT)
  })

  test.each(['http://auth.example.com', 'javascript:alert(1)', 'ftp://auth.example.com'])(
    'an insecure issuer %s is refused before any request',
    async (issuer) => {
      const recorder = recordingFetch()
      await expect(discoverAuthorizationServer(recorder.fetch, issuer)).rejects.toMatchObject({
        code: 'insecure_url',
      })
      expect(recorder.urls).toEqual([])
    },
  )

  test('a loopback issuer may use plain http (development)', async () => {
    const issuer = 'http://127.0.0.1:9000'
    serve({
      'http://127.0.0.1:9000/.well-known/oauth-authorization-server': () =>
        HttpResponse.json(metadata(issuer)),
    })
    expect((await discoverAuthorizationServer(fetch, issuer)).token_endpoint).toBe(
      `${issuer}/token`,
    )
  })
})

describe('discoverAuthorizationServer with issuer hints', () => {
  test('a known issuer costs one request: the URL that answered last, alone', async () => {
    serve({ [TENANT_URLS[1]!]: () => HttpResponse.json(metadata(TENANT)) })
    const hints = issuerHints()
    const first = recordingFetch()
    await discoverAuthorizationServer(first.fetch, TENANT, {}, hints)
    expect(first.urls).toEqual(TENANT_URLS)
    expect(hints.urls.get(TENANT)).toBe(TENANT_URLS[1])
    const second = recordingFetch()
    expect((await discoverAuthorizationServer(second.fetch, TENANT, {}, hints)).issuer).toBe(TENANT)
    expect(second.urls).toEqual([TENANT_URLS[1]])
  })

  test('a hint that no longer answers is dropped: every candidate, and the new winner kept', async () => {
    const hints = issuerHints()
    hints.urls.set(TENANT, TENANT_URLS[1]!)
    serve({ [TENANT_URLS[2]!]: () => HttpResponse.json(metadata(TENANT)) })
    const recorder = recordingFetch()
    expect((await discoverAuthorizationServer(recorder.fetch, TENANT, {}, hints)).issuer).toBe(
      TENANT,
    )
    expect(recorder.urls).toEqual([TENANT_URLS[1], ...TENANT_URLS])
    expect(hints.urls.get(TENANT)).toBe(TENANT_URLS[2])
  })

  test('a hinted document that is no longer valid is not used', async () => {
    const hints = issuerHints()
    hints.urls.set(TENANT, TENANT_URLS[1]!)
    serve({
      [TENANT_URLS[1]!]: () => HttpResponse.json(metadata('https://evil.example.com')),
      [TENANT_URLS[2]!]: () => HttpResponse.json(metadata(TENANT, { scopes_supported: ['ok'] })),
    })
    const as = await discoverAuthorizationServer(fetch, TENANT, {}, hints)
    expect(as.scopes_supported).toEqual(['ok'])
    expect(hints.urls.get(TENANT)).toBe(TENANT_URLS[2])
  })

  test('a failed discovery leaves no hint behind', async () => {
    const hints = issuerHints()
    serve({})
    await expect(discoverAuthorizationServer(fetch, ROOT, {}, hints)).rejects.toMatchObject({
      code: 'authorization_server_not_found',
    })
    expect(hints.urls.size).toBe(0)
    expect(hints.pending.size).toBe(0)
  })

  test('a hint is per issuer: another issuer on the same host is discovered in full', async () => {
    const hints = issuerHints()
    hints.urls.set(TENANT, TENANT_URLS[0]!)
    serve({ [ROOT_URLS[0]!]: () => HttpResponse.json(metadata(ROOT)) })
    const recorder = recordingFetch()
    await discoverAuthorizationServer(recorder.fetch, ROOT, {}, hints)
    expect(recorder.urls).toEqual(ROOT_URLS)
  })

  test('discoveries of one issuer started together share their requests', async () => {
    serve({ [ROOT_URLS[0]!]: () => HttpResponse.json(metadata(ROOT)) })
    const hints = issuerHints()
    const recorder = recordingFetch()
    const found = await Promise.all(
      Array.from({ length: 5 }, () => discoverAuthorizationServer(recorder.fetch, ROOT, {}, hints)),
    )
    expect(found.map((as) => as.issuer)).toEqual(Array(5).fill(ROOT))
    expect(recorder.urls).toEqual(ROOT_URLS)
    expect(hints.pending.size).toBe(0)
  })
})

describe('validateAuthorizationServerMetadata (RFC 8414 §3.3)', () => {
  const validate = (extra: Record<string, unknown>) =>
    validateAuthorizationServerMetadata(metadata(ROOT, extra), ROOT, ROOT_URLS[0]!)
  const codeOf = (extra: Record<string, unknown>) => {
    try {
      validate(extra)
    } catch (error) {
      return (error as { code: string }).code
    }
    return 'accepted'
  }

  test('a complete document is accepted as is', () => {
    expect(validate({ scopes_supported: ['a'] })).toMatchObject({
      issuer: ROOT,
      scopes_supported: ['a'],
    })
  })

  test.each([
    ['absent', undefined],
    ['empty', []],
    ['plain only', ['plain']],
    ['a string instead of a list', 'S256'],
    ['lower case', ['s256']],
  ])('code_challenge_methods_supported %s → pkce_not_supported', (_n, methods) => {
    expect(codeOf({ code_challenge_methods_supported: methods })).toBe('pkce_not_supported')
  })

  test.each([
    ['authorization_endpoint', 'http://auth.example.com/authorize'],
    ['authorization_endpoint', 'javascript:alert(document.cookie)'],
    ['authorization_endpoint', 'data:text/html,hi'],
    ['authorization_endpoint', 'vbscript:msgbox'],
    ['token_endpoint', 'http://auth.example.com/token'],
    ['token_endpoint', 'file:///etc/passwd'],
    ['registration_endpoint', 'http://auth.example.com/register'],
    ['revocation_endpoint', 'http://auth.example.com/revoke'],
    ['token_endpoint', 'http://127.0.0.1.evil.example/token'],
  ])('%s = %s → insecure_url', (name, value) => {
    expect(codeOf({ [name]: value })).toBe('insecure_url')
  })

  test.each([
    ['authorization_endpoint', 'http://localhost:8080/authorize'],
    ['token_endpoint', 'http://127.0.0.1:8080/token'],
    ['revocation_endpoint', 'http://[::1]:8080/revoke'],
  ])('%s on loopback http (%s) is allowed', (name, value) => {
    expect(codeOf({ [name]: value })).toBe('accepted')
  })

  test.each([
    ['authorization_endpoint missing', { authorization_endpoint: undefined }],
    ['token_endpoint missing', { token_endpoint: undefined }],
    ['token_endpoint a number', { token_endpoint: 1 }],
    ['scopes_supported a string', { scopes_supported: 'read' }],
    [
      'token_endpoint_auth_methods_supported a string',
      { token_endpoint_auth_methods_supported: 'none' },
    ],
  ])('%s → invalid_authorization_server_metadata', (_n, extra) => {
    expect(codeOf(extra)).toBe('invalid_authorization_server_metadata')
  })

  test('a missing issuer is a mismatch', () => {
    expect(codeOf({ issuer: undefined })).toBe('issuer_mismatch')
  })
})

describe('discoverLegacyAuthorizationServer (MCP 2025-03-26)', () => {
  const SERVER = 'https://mcp.example.com/v1/mcp'
  test('metadata at the root of the server origin, still checked for S256', async () => {
    const issuer = 'https://mcp.example.com'
    serve({
      [`${issuer}/.well-known/oauth-authorization-server`]: () =>
        HttpResponse.json(metadata(issuer, { code_challenge_methods_supported: undefined })),
    })
    await expect(discoverLegacyAuthorizationServer(fetch, SERVER, {}, false)).rejects.toMatchObject(
      {
        code: 'pkce_not_supported',
      },
    )
  })

  test('default endpoints only when allowed', async () => {
    serve({})
    expect(await discoverLegacyAuthorizationServer(fetch, SERVER, {}, false)).toBeUndefined()
    expect(await discoverLegacyAuthorizationServer(fetch, SERVER, {}, true)).toMatchObject({
      issuer: 'https://mcp.example.com',
      authorization_endpoint: 'https://mcp.example.com/authorize',
      token_endpoint: 'https://mcp.example.com/token',
      registration_endpoint: 'https://mcp.example.com/register',
    })
  })
})

describe('authorization server metadata errors name what is wrong', () => {
  const url = ROOT_URLS[0]!
  const failure = (body: Record<string, unknown>) => {
    try {
      validateAuthorizationServerMetadata(body, ROOT, url)
    } catch (error) {
      return error as { name: string; code: string; message: string; details: unknown }
    }
    throw new Error('accepted')
  }

  test('another issuer', () => {
    const error = failure(metadata('https://evil.example'))
    expect(error.name).toBe('DiscoveryError')
    expect(error.message).toBe(
      `Metadata at ${url} names issuer "https://evil.example", expected "${ROOT}"`,
    )
    expect(error.details).toEqual({
      expected: ROOT,
      actual: 'https://evil.example',
      attribute: 'issuer',
      url,
    })
  })

  test('no S256', () => {
    const error = failure(metadata(ROOT, { code_challenge_methods_supported: ['plain'] }))
    expect(error.message).toBe(
      `${ROOT} does not advertise PKCE S256 in code_challenge_methods_supported`,
    )
    expect(error.details).toEqual({
      actual: ['plain'],
      attribute: 'code_challenge_methods_supported',
      url,
    })
  })

  test('a missing endpoint', () => {
    const error = failure(metadata(ROOT, { token_endpoint: undefined }))
    expect(error.message).toBe(`token_endpoint is missing in ${url}`)
    expect(error.details).toEqual({ attribute: 'token_endpoint', url })
  })

  test('a list that is not of strings', () => {
    const error = failure(metadata(ROOT, { scopes_supported: ['a', 1] }))
    expect(error.message).toBe(`scopes_supported must be an array of strings in ${url}`)
    expect(error.details).toEqual({ attribute: 'scopes_supported', url })
  })

  test('an insecure endpoint is named', () => {
    expect(
      failure(metadata(ROOT, { revocation_endpoint: 'http://auth.example.com/r' })).message,
    ).toMatch(/^revocation_endpoint must use https/)
  })
})

describe('discoverAuthorizationServer: issuer, hints and misses', () => {
  afterEach(() => vi.unstubAllGlobals())

  test('an insecure issuer is named issuer and nothing is requested', async () => {
    const recorder = recordingFetch()
    await expect(
      discoverAuthorizationServer(recorder.fetch, 'http://auth.example.com'),
    ).rejects.toThrow(/^issuer must use https/)
    expect(recorder.urls).toEqual([])
  })

  test('no document anywhere: the message names the issuer', async () => {
    serve({})
    await expect(discoverAuthorizationServer(fetch, TENANT)).rejects.toMatchObject({
      name: 'DiscoveryError',
      message: `No authorization server metadata found for ${TENANT}`,
      details: { tried: TENANT_URLS },
    })
  })

  test("a hint that is not one of the issuer's metadata URLs is never requested", async () => {
    serve({ [TENANT_URLS[0]!]: () => HttpResponse.json(metadata(TENANT)) })
    const hints = issuerHints()
    hints.urls.set(TENANT, 'https://elsewhere.example/metadata')
    const recorder = recordingFetch()
    await discoverAuthorizationServer(recorder.fetch, TENANT, {}, hints)
    expect(recorder.urls).toEqual(TENANT_URLS)
  })

  test('a metadata request blocked by CORS in a browser names its step', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async (_input: unknown, init: RequestInit = {}) => {
      if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    })
    await expect(discoverAuthorizationServer(defaultFetch, ROOT)).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { url: ROOT_URLS[0], step: 'authorization server metadata' },
    })
  })
})

describe('discoverLegacyAuthorizationServer: issuer spelling and defaults', () => {
  const SERVER = 'https://mcp.example.com/v1/mcp'
  const METADATA = 'https://mcp.example.com/.well-known/oauth-authorization-server'

  test('an issuer with a trailing slash is accepted as published', async () => {
    serve({ [METADATA]: () => HttpResponse.json(metadata('https://mcp.example.com/')) })
    const as = await discoverLegacyAuthorizationServer(fetch, SERVER, {}, false)
    expect(as?.issuer).toBe('https://mcp.example.com/')
  })

  test('an issuer without one is accepted too', async () => {
    serve({ [METADATA]: () => HttpResponse.json(metadata('https://mcp.example.com')) })
    const as = await discoverLegacyAuthorizationServer(fetch, SERVER, {}, false)
    expect(as?.issuer).toBe('https://mcp.example.com')
  })

  test('another issuer is still a mismatch', async () => {
    serve({ [METADATA]: () => HttpResponse.json(metadata('https://mcp.example.com/v1')) })
    await expect(discoverLegacyAuthorizationServer(fetch, SERVER, {}, false)).rejects.toMatchObject(
      {
        code: 'issuer_mismatch',
        details: { expected: 'https://mcp.example.com' },
      },
    )
  })

  test('the default endpoints advertise S256 only', async () => {
    serve({})
    expect(await discoverLegacyAuthorizationServer(fetch, SERVER, {}, true)).toEqual({
      issuer: 'https://mcp.example.com',
      authorization_endpoint: 'https://mcp.example.com/authorize',
      token_endpoint: 'https://mcp.example.com/token',
      registration_endpoint: 'https://mcp.example.com/register',
      code_challenge_methods_supported: ['S256'],
    })
  })
})
