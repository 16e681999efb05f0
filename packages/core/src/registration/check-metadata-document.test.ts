import { useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { checkClientMetadataDocument } from './check-metadata-document.js'
import { clientMetadataDocument } from './metadata-document.js'

const server = useMockServer()
const URL_ = 'https://chat.example/oauth/client.json'
const options = {
  redirectUri: 'https://chat.example/oauth/callback',
  client: { name: 'Chat', metadataUrl: URL_ },
}
const good = () => clientMetadataDocument(options)
const JSON_TYPE = { 'content-type': 'application/json' }

/** Serves `answer` at the document URL, recording each request. */
function serve(answer: () => Response) {
  const requests: Request[] = []
  server.use(
    http.get(URL_, ({ request }) => {
      requests.push(request)
      return answer()
    }),
  )
  return requests
}
const check = (extra: Partial<Parameters<typeof checkClientMetadataDocument>[1]> = {}) =>
  checkClientMetadataDocument(URL_, { ...options, ...extra })
const codes = async (extra?: Parameters<typeof check>[0]) =>
  (await check(extra)).findings.map((f) => `${f.severity}:${f.code}`)

describe('checkClientMetadataDocument (draft-ietf-oauth-client-id-metadata-document-02)', () => {
  test('the document clientMetadataDocument() built, served as JSON: ok, nothing found', async () => {
    const requests = serve(() =>
      HttpResponse.json(good(), { headers: { 'cache-control': 'public, max-age=300' } }),
    )
    expect(await check()).toEqual({ url: URL_, ok: true, findings: [], document: good() })
    // Fetched as an authorization server does: JSON asked for, redirects not followed (§5).
    expect(requests).toHaveLength(1)
    expect(requests[0]!.headers.get('accept')).toBe('application/json')
  })

  test('the fetch option is used for the request', async () => {
    const seen: RequestInit[] = []
    const result = await check({
      fetch: async (_input, init) => {
        seen.push(init ?? {})
        return HttpResponse.json(good())
      },
    })
    expect(result.ok).toBe(true)
    expect(seen).toEqual([{ headers: { accept: 'application/json' }, redirect: 'manual' }])
  })

  test('client_id differs from the URL, even by a trailing slash: client_id_mismatch', async () => {
    serve(() => HttpResponse.json({ ...good(), client_id: `${URL_}/` }))
    const result = await check()
    expect(result.ok).toBe(false)
    expect(result.findings).toEqual([
      {
        code: 'client_id_mismatch',
        severity: 'error',
        message: expect.stringContaining(`it must be the document's URL, ${URL_}`),
        details: { expected: URL_, actual: `${URL_}/` },
      },
    ])
  })

  test('the redirect URI the app sends is not listed: redirect_uri_missing', async () => {
    serve(() =>
      HttpResponse.json({ ...good(), redirect_uris: ['https://chat.example/other-callback'] }),
    )
    expect((await check()).findings).toEqual([
      expect.objectContaining({
        code: 'redirect_uri_missing',
        severity: 'error',
        details: {
          expected: 'https://chat.example/oauth/callback',
          actual: ['https://chat.example/other-callback'],
        },
      }),
    ])
  })

  test('a redirect is reported with its target and not followed (§5)', async () => {
    const followed = serve(() => HttpResponse.json(good()))
    server.use(
      http.get(
        URL_,
        () =>
          new HttpResponse(null, {
            status: 301,
            headers: { location: 'https://www.chat.example/oauth/client.json' },
          }),
        { once: true },
      ),
    )
    const result = await check()
    expect(result).toMatchObject({
      ok: false,
      findings: [
        {
          code: 'redirect',
          severity: 'error',
          details: { status: 301, location: 'https://www.chat.example/oauth/client.json' },
        },
      ],
    })
    expect(followed).toHaveLength(0)
  })

  test('a browser’s opaque redirect is a redirect too', async () => {
    const opaque = { type: 'opaqueredirect', status: 0, headers: new Headers() } as Response
    expect(await codes({ fetch: async () => opaque })).toEqual(['error:redirect'])
  })

  test.each([
    [403, 'a bot-protection challenge'],
    [503, 'a bot-protection challenge'],
    [200, 'a single-page app answering every path with its index.html'],
  ])('HTTP %i with an HTML page (%s): html_wall', async (status) => {
    serve(
      () =>
        new HttpResponse('<!DOCTYPE html><html><title>Just a moment...</title></html>', {
          status,
          headers: { 'content-type': 'text/html; charset=UTF-8' },
        }),
    )
    const result = await check()
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'html_wall',
        severity: 'error',
        details: expect.objectContaining({ status }),
      }),
    ])
  })

  test('HTML under a JSON content type is still a wall', async () => {
    serve(() => new HttpResponse('  <html>denied</html>', { status: 200, headers: JSON_TYPE }))
    expect(await codes()).toEqual(['error:html_wall'])
  })

  test('a 404 page is a bad status, not a wall', async () => {
    serve(
      () =>
        new HttpResponse('<h1>Not found</h1>', {
          status: 404,
          headers: { 'content-type': 'text/html' },
        }),
    )
    expect(await codes()).toEqual(['error:bad_status'])
  })

  test('a document served with 500 is a bad status (§4: 200 only)', async () => {
    serve(() => HttpResponse.json(good(), { status: 500 }))
    expect(await codes()).toEqual(['error:bad_status'])
  })

  test.each([
    ['text', 'client_id=x'],
    ['an array', '[1]'],
    ['null', 'null'],
  ])('a body that is %s, not a JSON object: not_json', async (_n, body) => {
    serve(() => new HttpResponse(body, { status: 200, headers: JSON_TYPE }))
    expect(await codes()).toEqual(['error:not_json'])
  })

  test('a JSON document under another content type: a warning, still ok', async () => {
    serve(
      () =>
        new HttpResponse(JSON.stringify(good()), {
          status: 200,
          headers: { 'content-type': 'text/plain' },
        }),
    )
    const result = await check()
    expect(result.ok).toBe(true)
    expect(result.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(['warning:not_json'])
  })

  test('application/<something>+json is JSON (§4)', async () => {
    serve(
      () =>
        new HttpResponse(JSON.stringify(good()), {
          status: 200,
          headers: { 'content-type': 'application/client-metadata+json; charset=utf-8' },
        }),
    )
    expect((await check()).findings).toEqual([])
  })

  test('over 5 KB: too_large (§8.7)', async () => {
    serve(() =>
      HttpResponse.json({ ...good(), policy_uri: `https://chat.example/${'p'.repeat(5200)}` }),
    )
    const result = await check()
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'too_large',
        severity: 'error',
        details: expect.objectContaining({ limit: 5120 }),
      }),
    ])
  })

  test('client_name and redirect_uris are required', async () => {
    const { client_name: _name, redirect_uris: _redirects, ...rest } = good()
    serve(() => HttpResponse.json(rest))
    expect((await check()).findings.map((f) => f.details?.field)).toEqual([
      'client_name',
      'redirect_uris',
    ])
  })

  test.each([
    [{ client_secret: 'oops' }],
    [{ token_endpoint_auth_method: 'client_secret_basic' }],
    [{ token_endpoint_auth_method: 'client_secret_post' }],
    [{ token_endpoint_auth_method: 'client_secret_jwt' }],
  ])('%j: a shared secret in a public document (§4.1)', async (extra) => {
    serve(() => HttpResponse.json({ ...good(), ...extra }))
    expect(await codes()).toEqual(['error:shared_secret'])
  })

  test.each([[undefined], ['private_key_jwt']])(
    'token_endpoint_auth_method %j: not a public client (absent means client_secret_basic)',
    async (method) => {
      serve(() => HttpResponse.json({ ...good(), token_endpoint_auth_method: method }))
      expect(await codes()).toEqual(['error:not_public_client'])
    },
  )

  test('no refresh_token grant: a warning', async () => {
    serve(() => HttpResponse.json({ ...good(), grant_types: ['authorization_code'] }))
    const result = await check()
    expect(result.ok).toBe(true)
    expect(result.findings.map((f) => `${f.severity}:${f.code}`)).toEqual([
      'warning:no_refresh_grant',
    ])
  })

  test.each([
    ['max-age=604800', undefined, 604800],
    ['public, max-age=60, s-maxage=172800', undefined, 172800],
    ['public, max-age=31536000, immutable', undefined, 31536000],
    ['immutable', undefined, undefined],
    [undefined, 'Thu, 01 Jan 2099 00:00:00 GMT', expect.any(Number)],
  ])('cache-control %j, expires %j: long_cache', async (control, expires, seconds) => {
    serve(() =>
      HttpResponse.json(good(), {
        headers: {
          ...(control ? { 'cache-control': control } : {}),
          ...(expires ? { expires } : {}),
        },
      }),
    )
    const result = await check()
    expect(result.ok).toBe(true)
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'long_cache',
        severity: 'warning',
        details: expect.objectContaining({ seconds, limit: 86400 }),
      }),
    ])
  })

  test.each(['max-age=86400', 'no-store', 'no-cache, max-age=31536000', 'private, max-age=0'])(
    'cache-control %s is fine',
    async (control) => {
      serve(() => HttpResponse.json(good(), { headers: { 'cache-control': control } }))
      expect((await check()).findings).toEqual([])
    },
  )

  test('an Expires before Date is no long cache', async () => {
    serve(() =>
      HttpResponse.json(good(), {
        headers: {
          date: 'Thu, 01 Jan 2099 00:00:00 GMT',
          expires: 'Thu, 01 Jan 2099 00:10:00 GMT',
        },
      }),
    )
    expect((await check()).findings).toEqual([])
  })

  test('maxCacheSeconds sets the limit', async () => {
    serve(() => HttpResponse.json(good(), { headers: { 'cache-control': 'max-age=600' } }))
    expect(await codes({ maxCacheSeconds: 300 })).toEqual(['warning:long_cache'])
    expect(await codes({ maxCacheSeconds: 600 })).toEqual([])
  })

  test('a network failure: unreachable, never a throw', async () => {
    server.use(http.get(URL_, () => HttpResponse.error()))
    const result = await check()
    expect(result).toMatchObject({
      ok: false,
      findings: [{ code: 'unreachable', severity: 'error' }],
    })
    expect(result).not.toHaveProperty('document')
  })

  test.each([
    'http://chat.example/oauth/client.json',
    'https://chat.example/',
    'https://chat.example/client.json#x',
    'not a url',
  ])('%s cannot be a client ID: invalid_url, and nothing is fetched', async (url) => {
    let fetched = 0
    const result = await checkClientMetadataDocument(url, {
      ...options,
      fetch: async () => {
        fetched += 1
        return HttpResponse.json({})
      },
    })
    expect(result).toMatchObject({
      url,
      ok: false,
      findings: [{ code: 'invalid_url', severity: 'error' }],
    })
    expect(fetched).toBe(0)
  })

  test('a query is only a warning (§3: SHOULD NOT)', async () => {
    const url = `${URL_}?v=2`
    server.use(http.get(URL_, () => HttpResponse.json({ ...good(), client_id: url })))
    const result = await checkClientMetadataDocument(url, options)
    expect(result.ok).toBe(true)
    expect(result.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(['warning:invalid_url'])
  })

  test('a document on this machine works, with a warning that only a local server can fetch it', async () => {
    const url = 'http://127.0.0.1:5173/oauth/client.json'
    const local = {
      redirectUri: 'http://127.0.0.1:5173/oauth/callback',
      client: { metadataUrl: url },
    }
    server.use(http.get(url, () => HttpResponse.json(clientMetadataDocument(local))))
    const result = await checkClientMetadataDocument(url, local)
    expect(result.ok).toBe(true)
    expect(result.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(['warning:loopback_url'])
  })

  test('a redirect URI the kit would refuse is a configuration error, thrown', async () => {
    await expect(
      checkClientMetadataDocument(URL_, { ...options, redirectUri: 'http://chat.example/cb' }),
    ).rejects.toMatchObject({ code: 'insecure_url', details: { attribute: 'redirectUri' } })
  })
})
