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
/** Checks with `response` as the answer, through the fetch option. */
const answer = (response: Response, extra: Parameters<typeof check>[0] = {}) =>
  check({ ...extra, fetch: async () => response })
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
        message: expect.stringContaining('redirect_uris lacks https://chat.example/oauth/callback'),
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
    expect(result.findings[0]!.message).toContain(
      `${URL_} answered with a redirect to https://www.chat.example/oauth/client.json`,
    )
    expect(followed).toHaveLength(0)
  })

  test.each([300, 302, 307, 399])('HTTP %i is a redirect, from 300 through 399', async (status) => {
    const result = await answer(new Response(null, { status }))
    expect(result).toEqual({
      url: URL_,
      ok: false,
      findings: [
        {
          code: 'redirect',
          severity: 'error',
          // Without a Location there is no target to name.
          message: expect.stringContaining(`${URL_} answered with a redirect: `),
          details: { status },
        },
      ],
    })
  })

  test('HTTP 400 is no redirect: a bad status', async () => {
    const result = await answer(Response.json(good(), { status: 400 }))
    expect(result.findings).toEqual([
      {
        code: 'bad_status',
        severity: 'error',
        message: expect.stringContaining(`${URL_} answered HTTP 400`),
        details: { status: 400 },
      },
    ])
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
      {
        code: 'html_wall',
        severity: 'error',
        message: expect.stringContaining(`${URL_} answered an HTML page (HTTP ${status})`),
        details: { status, contentType: 'text/html; charset=UTF-8' },
      },
    ])
  })

  test('HTML under a JSON content type is still a wall', async () => {
    serve(() => new HttpResponse('  <html>denied</html>', { status: 200, headers: JSON_TYPE }))
    expect(await codes()).toEqual(['error:html_wall'])
  })

  test('a JSON document with a "<" in a value is no HTML page', async () => {
    const document = { ...good(), client_name: 'Chat <beta>' }
    serve(() => HttpResponse.json(document))
    expect(await check()).toEqual({ url: URL_, ok: true, findings: [], document })
  })

  test.each([404, 410])('a %i page is a bad status, not a wall', async (status) => {
    serve(
      () =>
        new HttpResponse('<h1>Not found</h1>', {
          status,
          headers: { 'content-type': 'text/html' },
        }),
    )
    expect((await check()).findings).toEqual([
      {
        code: 'bad_status',
        severity: 'error',
        message: expect.stringContaining(`${URL_} answered HTTP ${status}`),
        details: { status },
      },
    ])
  })

  test('a document served with 500 is a bad status (§4: 200 only)', async () => {
    serve(() => HttpResponse.json(good(), { status: 500 }))
    const result = await check()
    expect(result.findings).toEqual([
      {
        code: 'bad_status',
        severity: 'error',
        message: expect.stringContaining(`${URL_} answered HTTP 500`),
        details: { status: 500 },
      },
    ])
    // The document is still checked and returned.
    expect(result.document).toEqual(good())
  })

  test.each([
    ['text', 'client_id=x'],
    ['an array', '[1]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"client.json"'],
    ['a boolean', 'true'],
  ])('a body that is %s, not a JSON object: not_json', async (_n, body) => {
    serve(() => new HttpResponse(body, { status: 200, headers: JSON_TYPE }))
    expect(await check()).toEqual({
      url: URL_,
      ok: false,
      findings: [
        {
          code: 'not_json',
          severity: 'error',
          message: expect.stringContaining(`${URL_} did not answer a JSON object`),
          details: { contentType: 'application/json' },
        },
      ],
    })
  })

  test.each([
    ['text/plain', 'text/plain'],
    ['a type that only ends in application/json', 'x-application/json'],
    ['no type at all', undefined],
  ])('a JSON document served as %s: a not_json warning, still ok', async (_n, type) => {
    // A byte body carries no content type of its own.
    const body = new TextEncoder().encode(JSON.stringify(good()))
    const result = await answer(
      new Response(body, type ? { headers: { 'content-type': type } } : {}),
    )
    expect(result.ok).toBe(true)
    expect(result.findings).toEqual([
      {
        code: 'not_json',
        severity: 'warning',
        message: expect.stringContaining(`served as "${type ?? ''}"`),
        details: { contentType: type ?? '' },
      },
    ])
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

  /** A JSON text of the good document padded to exactly `bytes` UTF-8 bytes with `unit`. */
  const sized = (bytes: number, unit = 'p') => {
    const base = JSON.stringify({ ...good(), policy_uri: 'https://chat.example/' })
    const units =
      (bytes - new TextEncoder().encode(base).length) / new TextEncoder().encode(unit).length
    expect(Number.isInteger(units)).toBe(true)
    const text = JSON.stringify({
      ...good(),
      policy_uri: `https://chat.example/${unit.repeat(units)}`,
    })
    expect(new TextEncoder().encode(text).length).toBe(bytes)
    return new Response(text, { headers: JSON_TYPE })
  }

  test('exactly 5 KB (5120 bytes) is within the limit', async () => {
    expect((await answer(sized(5120))).findings).toEqual([])
  })

  test('one byte over 5 KB: too_large, with the size and the limit', async () => {
    const result = await answer(sized(5121))
    expect(result.findings).toEqual([
      {
        code: 'too_large',
        severity: 'error',
        message: expect.stringMatching(/5121 bytes.* 5120\b/),
        details: { bytes: 5121, limit: 5120 },
      },
    ])
  })

  test('the limit counts bytes, not characters', async () => {
    // 5122 bytes in fewer than 5120 characters: "é" is two bytes in UTF-8.
    const result = await answer(sized(5122, 'é'))
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'too_large', details: { bytes: 5122, limit: 5120 } }),
    ])
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
    expect((await check()).findings).toEqual([
      {
        code: 'missing_field',
        severity: 'error',
        message: expect.stringContaining('client_name is missing'),
        details: { field: 'client_name' },
      },
      {
        code: 'missing_field',
        severity: 'error',
        message: expect.stringContaining('redirect_uris is missing'),
        details: { field: 'redirect_uris' },
      },
    ])
  })

  test.each(['', '   '])('client_name %j is missing too', async (name) => {
    serve(() => HttpResponse.json({ ...good(), client_name: name }))
    expect((await check()).findings).toEqual([
      expect.objectContaining({ code: 'missing_field', details: { field: 'client_name' } }),
    ])
  })

  test.each([
    [{ client_secret: 'oops' }, 'none'],
    [{ token_endpoint_auth_method: 'client_secret_basic' }, 'client_secret_basic'],
    [{ token_endpoint_auth_method: 'client_secret_post' }, 'client_secret_post'],
    [{ token_endpoint_auth_method: 'client_secret_jwt' }, 'client_secret_jwt'],
  ])('%j: a shared secret in a public document (§4.1)', async (extra, method) => {
    serve(() => HttpResponse.json({ ...good(), ...extra }))
    expect((await check()).findings).toEqual([
      {
        code: 'shared_secret',
        severity: 'error',
        message: expect.stringContaining('shared secret'),
        details: { token_endpoint_auth_method: method },
      },
    ])
  })

  test.each([[undefined], ['private_key_jwt']])(
    'token_endpoint_auth_method %j: not a public client (absent means client_secret_basic)',
    async (method) => {
      serve(() => HttpResponse.json({ ...good(), token_endpoint_auth_method: method }))
      expect((await check()).findings).toEqual([
        {
          code: 'not_public_client',
          severity: 'error',
          message: expect.stringContaining(
            `token_endpoint_auth_method is ${JSON.stringify(method)}; `,
          ),
          details: { expected: 'none', actual: method },
        },
      ])
    },
  )

  test('no refresh_token grant: a warning', async () => {
    serve(() => HttpResponse.json({ ...good(), grant_types: ['authorization_code'] }))
    const result = await check()
    expect(result.ok).toBe(true)
    expect(result.findings).toEqual([
      {
        code: 'no_refresh_grant',
        severity: 'warning',
        message: expect.stringContaining('grant_types lacks refresh_token'),
        details: { actual: ['authorization_code'] },
      },
    ])
  })

  test.each([
    ['max-age=604800', undefined, 604800],
    ['max-age = 604800', undefined, 604800],
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

  test('the long_cache finding says how long, the limit and the headers', async () => {
    serve(() =>
      HttpResponse.json(good(), { headers: { 'cache-control': 'public, max-age=604800' } }),
    )
    expect((await check()).findings).toEqual([
      {
        code: 'long_cache',
        severity: 'warning',
        message: expect.stringContaining('for 604800 seconds (over 86400)'),
        details: { seconds: 604800, limit: 86400, cacheControl: 'public, max-age=604800' },
      },
    ])
  })

  test.each([
    ['immutable without an age', {}],
    ['an Expires that is no date gives no age either', { expires: 'never' }],
  ])('%s: kept for ever', async (_n, extra: { expires?: string }) => {
    serve(() => HttpResponse.json(good(), { headers: { 'cache-control': 'immutable', ...extra } }))
    const [finding] = (await check()).findings
    expect(finding!.message).toContain('for ever seconds (over 86400)')
    expect(finding!.details).toStrictEqual({
      seconds: undefined,
      limit: 86400,
      cacheControl: 'immutable',
      ...extra,
    })
  })

  test('Expires minus Date is the lifetime when there is no max-age (RFC 9111 §4.2.1)', async () => {
    const expires = 'Sat, 03 Jan 2099 00:00:00 GMT'
    serve(() =>
      HttpResponse.json(good(), { headers: { date: 'Thu, 01 Jan 2099 00:00:00 GMT', expires } }),
    )
    expect((await check()).findings).toEqual([
      {
        code: 'long_cache',
        severity: 'warning',
        message: expect.stringContaining('for 172800 seconds'),
        details: { seconds: 172800, limit: 86400, cacheControl: '', expires },
      },
    ])
  })

  test('max-age wins over Expires (RFC 9111 §5.3)', async () => {
    serve(() =>
      HttpResponse.json(good(), {
        headers: { 'cache-control': 'max-age=60', expires: 'Thu, 01 Jan 2099 00:00:00 GMT' },
      }),
    )
    expect((await check()).findings).toEqual([])
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

  test('the unreachable finding names the URL and the cause', async () => {
    const result = await check({
      fetch: async () => {
        throw new TypeError('getaddrinfo ENOTFOUND chat.example')
      },
    })
    expect(result).toEqual({
      url: URL_,
      ok: false,
      findings: [
        {
          code: 'unreachable',
          severity: 'error',
          message: expect.stringContaining(
            `${URL_} could not be fetched: TypeError: getaddrinfo ENOTFOUND`,
          ),
          details: { cause: 'TypeError: getaddrinfo ENOTFOUND chat.example' },
        },
      ],
    })
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
    expect(result).toEqual({
      url,
      ok: false,
      findings: [
        {
          code: 'invalid_url',
          severity: 'error',
          message: expect.stringMatching(/^client\.metadataUrl .*\(§3\)$/),
          details: { actual: url },
        },
      ],
    })
    expect(fetched).toBe(0)
  })

  test('a query is only a warning (§3: SHOULD NOT)', async () => {
    const url = `${URL_}?v=2`
    server.use(http.get(URL_, () => HttpResponse.json({ ...good(), client_id: url })))
    const result = await checkClientMetadataDocument(url, options)
    expect(result.ok).toBe(true)
    expect(result.findings).toEqual([
      {
        code: 'invalid_url',
        severity: 'warning',
        message: expect.stringContaining(`${url} has a query`),
      },
    ])
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
    expect(result.findings).toEqual([
      {
        code: 'loopback_url',
        severity: 'warning',
        message: expect.stringContaining(`${url} is on this machine`),
      },
    ])
  })

  test('a redirect URI the kit would refuse is a configuration error, thrown', async () => {
    await expect(
      checkClientMetadataDocument(URL_, { ...options, redirectUri: 'http://chat.example/cb' }),
    ).rejects.toMatchObject({ code: 'insecure_url', details: { attribute: 'redirectUri' } })
  })
})
