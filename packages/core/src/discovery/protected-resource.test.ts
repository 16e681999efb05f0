import { deferred, recordingFetch, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { defaultFetch } from '../http/transport-error.js'
import {
  discoverProtectedResource,
  protectedResourceMetadataUrls,
  validateProtectedResourceMetadata,
} from './protected-resource.js'

const server = useMockServer()
const SERVER = 'https://mcp.example.com/mcp'
const PATH_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
const ROOT_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource'
const prm = (extra: Record<string, unknown> = {}) => ({
  resource: SERVER,
  authorization_servers: ['https://auth.example.com'],
  ...extra,
})

/** Serves `documents` by URL; every other well-known URL on the host is a 404. */
function serve(documents: Record<string, () => Response>) {
  server.use(
    http.get(
      'https://*/*',
      ({ request }) => documents[request.url]?.() ?? new HttpResponse(null, { status: 404 }),
    ),
  )
}

describe('protectedResourceMetadataUrls (RFC 9728 §3.1)', () => {
  test('path-aware first, then the root', () => {
    expect(protectedResourceMetadataUrls(SERVER)).toEqual([PATH_URL, ROOT_URL])
    expect(protectedResourceMetadataUrls('https://mcp.example.com/a/b/')).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource/a/b',
      ROOT_URL,
    ])
  })

  test('a server at the root has only the root URL', () => {
    expect(protectedResourceMetadataUrls('https://mcp.example.com')).toEqual([ROOT_URL])
    expect(protectedResourceMetadataUrls('https://mcp.example.com:8443/')).toEqual([
      'https://mcp.example.com:8443/.well-known/oauth-protected-resource',
    ])
  })
})

describe('discoverProtectedResource', () => {
  test('uses the challenged resource_metadata URL and nothing else', async () => {
    const challenged = 'https://meta.example.com/prm/for/mcp'
    serve({ [challenged]: () => HttpResponse.json(prm({ scopes_supported: ['x'] })) })
    const recorder = recordingFetch()
    const result = await discoverProtectedResource(recorder.fetch, SERVER, challenged)
    expect(result).toEqual({
      resource: SERVER,
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['x'],
      url: challenged,
    })
    expect(recorder.urls).toEqual([challenged])
  })

  test('a challenged URL without a document is an error: neither well-known URL is tried', async () => {
    serve({
      [PATH_URL]: () => HttpResponse.json(prm()),
      [ROOT_URL]: () => HttpResponse.json(prm()),
    })
    const recorder = recordingFetch()
    await expect(
      discoverProtectedResource(recorder.fetch, SERVER, 'https://mcp.example.com/missing'),
    ).rejects.toMatchObject({ code: 'resource_metadata_not_found' })
    expect(recorder.urls).toEqual(['https://mcp.example.com/missing'])
  })

  test.each(['javascript:alert(1)', 'http://meta.example.com/prm', 'data:application/json,{}'])(
    'a challenged resource_metadata of %s is refused before any request',
    async (url) => {
      const recorder = recordingFetch()
      await expect(discoverProtectedResource(recorder.fetch, SERVER, url)).rejects.toMatchObject({
        code: 'insecure_url',
      })
      expect(recorder.urls).toEqual([])
    },
  )

  test('without a challenge URL: both well-known URLs are requested before either answers', async () => {
    const hold = deferred()
    // A sequential implementation would wait for the path-aware answer forever: give up later.
    const giveUp = setTimeout(() => hold.resolve(), 500)
    const asked: string[] = []
    let askedWhenFirstAnswered = 0
    server.use(
      http.get('https://mcp.example.com/*', async ({ request }) => {
        asked.push(request.url)
        if (asked.length === 2) hold.resolve()
        await hold.promise
        askedWhenFirstAnswered ||= asked.length
        return request.url === ROOT_URL
          ? HttpResponse.json(prm())
          : new HttpResponse(null, { status: 404 })
      }),
    )
    const recorder = recordingFetch()
    const result = await discoverProtectedResource(recorder.fetch, SERVER, undefined)
    clearTimeout(giveUp)
    expect(askedWhenFirstAnswered).toBe(2)
    expect(recorder.urls).toEqual([PATH_URL, ROOT_URL])
    expect(result?.url).toBe(ROOT_URL)
  })

  test('the path-aware document wins even when the root one answers first', async () => {
    const pathAnswer = deferred()
    server.use(
      http.get(PATH_URL, async () => {
        await pathAnswer.promise
        return HttpResponse.json(prm({ resource_name: 'path-aware' }))
      }),
      http.get(ROOT_URL, () => {
        // The root has answered: only now may the path-aware one.
        setTimeout(() => pathAnswer.resolve(), 10)
        return HttpResponse.json(prm({ resource_name: 'root' }))
      }),
    )
    const result = await discoverProtectedResource(fetch, SERVER, undefined)
    expect(result).toMatchObject({ url: PATH_URL, resource_name: 'path-aware' })
  })

  test('the root document is not used when the path-aware one is invalid', async () => {
    serve({
      [PATH_URL]: () => HttpResponse.json(prm({ resource: 'https://other.example.com/mcp' })),
      [ROOT_URL]: () => HttpResponse.json(prm()),
    })
    await expect(discoverProtectedResource(fetch, SERVER, undefined)).rejects.toMatchObject({
      code: 'resource_mismatch',
    })
  })

  test('the root document is not used when the path-aware URL fails with a 5xx', async () => {
    serve({
      [PATH_URL]: () => new HttpResponse(null, { status: 502 }),
      [ROOT_URL]: () => HttpResponse.json(prm()),
    })
    await expect(discoverProtectedResource(fetch, SERVER, undefined)).rejects.toMatchObject({
      code: 'server_error',
    })
  })

  test('without a challenge URL: the root after a path-aware miss', async () => {
    serve({ [ROOT_URL]: () => HttpResponse.json(prm()) })
    const recorder = recordingFetch()
    expect((await discoverProtectedResource(recorder.fetch, SERVER, undefined))?.url).toBe(ROOT_URL)
    expect(recorder.urls).toEqual([PATH_URL, ROOT_URL])
  })

  test('a server at the origin root: one well-known request', async () => {
    serve({ [ROOT_URL]: () => HttpResponse.json(prm({ resource: 'https://mcp.example.com' })) })
    const recorder = recordingFetch()
    await discoverProtectedResource(recorder.fetch, 'https://mcp.example.com', undefined)
    expect(recorder.urls).toEqual([ROOT_URL])
  })

  test('a non-JSON or non-object answer is a miss, not a document', async () => {
    serve({
      [PATH_URL]: () =>
        new HttpResponse('<html></html>', { headers: { 'content-type': 'text/html' } }),
      [ROOT_URL]: () => HttpResponse.json([prm()]),
    })
    expect(await discoverProtectedResource(fetch, SERVER, undefined)).toBeUndefined()
  })

  test('no document anywhere → undefined (the caller decides)', async () => {
    serve({})
    expect(await discoverProtectedResource(fetch, SERVER, undefined)).toBeUndefined()
  })

  test('a 5xx is a transient server_error, not a miss', async () => {
    serve({ [PATH_URL]: () => new HttpResponse(null, { status: 503 }) })
    await expect(discoverProtectedResource(fetch, SERVER, undefined)).rejects.toMatchObject({
      code: 'server_error',
      transient: true,
    })
  })

  test('a network failure is a transient network_error', async () => {
    server.use(
      http.get(PATH_URL, () => HttpResponse.error()),
      http.get(ROOT_URL, () => HttpResponse.json(prm())),
    )
    await expect(discoverProtectedResource(fetch, SERVER, undefined)).rejects.toMatchObject({
      code: 'network_error',
    })
  })

  test('the PRM is checked even when found at the root', async () => {
    serve({
      [ROOT_URL]: () => HttpResponse.json(prm({ resource: 'https://other.example.com/mcp' })),
    })
    await expect(discoverProtectedResource(fetch, SERVER, undefined)).rejects.toMatchObject({
      code: 'resource_mismatch',
    })
  })
})

describe('validateProtectedResourceMetadata (RFC 9728 §2, §3.3)', () => {
  const validate = (body: Record<string, unknown>, serverUrl = SERVER) =>
    validateProtectedResourceMetadata(body, PATH_URL, serverUrl)

  test.each(['https://mcp.example.com/mcp#frag', 'https://mcp.example.com/mcp#'])(
    'a resource with a fragment (%s) is refused: RFC 8707 §2 forbids it',
    (resource) => {
      expect(() => validate(prm({ resource }))).toThrow(
        expect.objectContaining({
          name: 'DiscoveryError',
          code: 'invalid_resource_metadata',
          message: `"resource" has a fragment in ${PATH_URL}; a resource indicator must not (RFC 8707 §2)`,
          details: { url: PATH_URL, attribute: 'resource', actual: resource },
        }),
      )
    },
  )

  test('keeps the resource string exactly as published', () => {
    expect(validate(prm({ resource: 'https://mcp.example.com' })).resource).toBe(
      'https://mcp.example.com',
    )
    expect(validate(prm({ resource: 'https://mcp.example.com/' })).resource).toBe(
      'https://mcp.example.com/',
    )
    expect(validate(prm(), 'https://mcp.example.com/mcp').resource).toBe(SERVER)
  })

  test.each([
    ['another host', 'https://other.example.com/mcp'],
    ['a look-alike host', 'https://mcp.example.com.evil.example/mcp'],
    ['a sibling path', 'https://mcp.example.com/mcp-evil'],
    ['a deeper path than the server', 'https://mcp.example.com/mcp/sub'],
    ['plain http', 'http://mcp.example.com/mcp'],
    ['another port', 'https://mcp.example.com:444/mcp'],
    ['not a URL', 'mcp'],
  ])('a resource naming %s → resource_mismatch', (_name, resource) => {
    expect(() => validate(prm({ resource }))).toThrow(
      expect.objectContaining({
        code: 'resource_mismatch',
        details: expect.objectContaining({ actual: resource }),
      }),
    )
  })

  test.each([
    ['resource missing', { resource: undefined }],
    ['resource a number', { resource: 42 }],
    ['resource empty', { resource: '' }],
    ['authorization_servers a string', { authorization_servers: 'https://auth.example.com' }],
    ['authorization_servers empty', { authorization_servers: [] }],
    ['authorization_servers holding a number', { authorization_servers: [1] }],
    ['authorization_servers missing', { authorization_servers: undefined }],
    ['scopes_supported a string', { scopes_supported: 'read' }],
    ['scopes_supported holding an object', { scopes_supported: [{}] }],
  ])('%s → invalid_resource_metadata', (_name, extra) => {
    expect(() => validate(prm(extra))).toThrow(
      expect.objectContaining({ code: 'invalid_resource_metadata' }),
    )
  })

  test('a non-string resource_name is ignored, a string one kept', () => {
    expect(validate(prm({ resource_name: 7 }))).not.toHaveProperty('resource_name')
    expect(validate(prm({ resource_name: 'Files' })).resource_name).toBe('Files')
  })
})

describe('protected resource metadata errors name what is wrong', () => {
  const validate = (body: Record<string, unknown>) =>
    validateProtectedResourceMetadata(body, PATH_URL, SERVER)

  test('a challenged URL without a document: the message and details quote it', async () => {
    const missing = 'https://mcp.example.com/missing'
    serve({})
    const error = await discoverProtectedResource(fetch, SERVER, missing).catch((e) => e)
    expect(error).toMatchObject({
      name: 'DiscoveryError',
      code: 'resource_metadata_not_found',
      details: { url: missing },
    })
    expect(error.message).toBe(
      `The resource_metadata URL from the challenge has no metadata: ${missing}`,
    )
  })

  test('an insecure challenged URL is named resource_metadata', async () => {
    const error = await discoverProtectedResource(
      fetch,
      SERVER,
      'http://meta.example.com/prm',
    ).catch((e) => e)
    expect(error.message).toMatch(/^resource_metadata must use https/)
    expect(error.details).toEqual({ attribute: 'resource_metadata', actual: 'http:' })
  })

  test('HTTP 500 exactly is a server_error quoting the URL and status', async () => {
    serve({ [PATH_URL]: () => new HttpResponse(null, { status: 500 }) })
    const error = await discoverProtectedResource(fetch, SERVER, undefined).catch((e) => e)
    expect(error).toMatchObject({ code: 'server_error', details: { status: 500 } })
    expect(error.message).toBe(`${PATH_URL} answered HTTP 500`)
  })

  test('HTTP 499 is a miss: the root document is used', async () => {
    serve({
      [PATH_URL]: () => new HttpResponse(null, { status: 499 }),
      [ROOT_URL]: () => HttpResponse.json(prm()),
    })
    expect((await discoverProtectedResource(fetch, SERVER, undefined))?.url).toBe(ROOT_URL)
  })

  test('a missing resource', () => {
    expect(() => validate(prm({ resource: undefined }))).toThrow(
      expect.objectContaining({
        message: `"resource" is missing in ${PATH_URL}`,
        details: { url: PATH_URL, attribute: 'resource' },
      }),
    )
  })

  test('a resource that does not identify the server', () => {
    const other = 'https://other.example.com/mcp'
    expect(() => validate(prm({ resource: other }))).toThrow(
      expect.objectContaining({
        message: `Protected resource metadata names "${other}", which does not identify ${SERVER}`,
        details: { expected: SERVER, actual: other, attribute: 'resource' },
      }),
    )
  })

  test('bad authorization_servers', () => {
    expect(() => validate(prm({ authorization_servers: [] }))).toThrow(
      expect.objectContaining({
        message: `"authorization_servers" must be a non-empty array of strings in ${PATH_URL}`,
        details: { url: PATH_URL, attribute: 'authorization_servers' },
      }),
    )
  })

  test('authorization_servers with one string among others is refused', () => {
    expect(() => validate(prm({ authorization_servers: ['https://auth.example.com', 3] }))).toThrow(
      expect.objectContaining({ details: { url: PATH_URL, attribute: 'authorization_servers' } }),
    )
  })

  test('bad scopes_supported', () => {
    expect(() => validate(prm({ scopes_supported: 'read' }))).toThrow(
      expect.objectContaining({
        message: `"scopes_supported" must be an array of strings in ${PATH_URL}`,
        details: { url: PATH_URL, attribute: 'scopes_supported' },
      }),
    )
  })
})

describe('protected resource metadata in a browser', () => {
  afterEach(() => vi.unstubAllGlobals())

  test('a metadata request blocked by CORS names the resource metadata step', async () => {
    vi.stubGlobal('document', {})
    vi.stubGlobal('location', { origin: 'https://app.example' })
    vi.stubGlobal('fetch', async (_input: unknown, init: RequestInit = {}) => {
      if (init.mode !== 'no-cors') throw new TypeError('Failed to fetch')
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    })
    await expect(discoverProtectedResource(defaultFetch, SERVER, undefined)).rejects.toMatchObject({
      code: 'cors_blocked',
      details: { url: PATH_URL, step: 'resource metadata' },
    })
  })
})
