import { describe, expect, test } from 'vitest'
import { processTokenResponse } from './token-response.js'

const json = (body: unknown, status = 200) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
const ok = { access_token: 'at', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt' }

describe('processTokenResponse (RFC 6749 §5.1, §5.2)', () => {
  test('accepts a valid response; token_type is case-insensitive', async () => {
    expect(await processTokenResponse(json({ ...ok, token_type: 'bearer' }))).toMatchObject({
      access_token: 'at',
      expires_in: 3600,
      refresh_token: 'rt',
    })
  })

  test('token_type DPoP only for a request that carried a proof (RFC 9449 §5)', async () => {
    await expect(processTokenResponse(json({ ...ok, token_type: 'DPoP' }))).rejects.toMatchObject({
      code: 'token_request_failed',
      details: { attribute: 'token_type' },
    })
    for (const type of ['DPoP', 'dpop', 'Bearer']) {
      expect((await processTokenResponse(json({ ...ok, token_type: type }), true)).token_type).toBe(
        type,
      )
    }
    await expect(
      processTokenResponse(json({ ...ok, token_type: 'dpop-ish' }), true),
    ).rejects.toMatchObject({ details: { attribute: 'token_type' } })
  })

  test('coerces a numeric-string expires_in', async () => {
    expect((await processTokenResponse(json({ ...ok, expires_in: '60' }))).expires_in).toBe(60)
  })

  test.each([
    ['access_token', { ...ok, access_token: '' }],
    ['access_token', { ...ok, access_token: 1 }],
    ['token_type', { ...ok, token_type: 'mac' }],
    ['token_type', { ...ok, token_type: undefined }],
    ['expires_in', { ...ok, expires_in: -1 }],
    ['expires_in', { ...ok, expires_in: 'soon' }],
    ['refresh_token', { ...ok, refresh_token: 7 }],
    ['scope', { ...ok, scope: ['a'] }],
    ['body', [ok]],
    ['body', 'not json'],
  ])('refuses a bad %s with token_request_failed', async (attribute, body) => {
    await expect(processTokenResponse(json(body))).rejects.toMatchObject({
      code: 'token_request_failed',
      details: { attribute },
    })
  })

  test('invalid_grant is told apart from other errors and from 5xx', async () => {
    await expect(processTokenResponse(json({ error: 'invalid_grant' }, 400))).rejects.toMatchObject(
      {
        code: 'invalid_grant',
      },
    )
    await expect(
      processTokenResponse(json({ error: 'invalid_client' }, 401)),
    ).rejects.toMatchObject({
      code: 'token_request_failed',
    })
    const error = await processTokenResponse(json('<html>oops</html>', 503)).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'server_error', transient: true })
  })
})

describe('processTokenResponse: what is refused, and what the errors say', () => {
  const refusal = async (response: Response, proofSent = false) =>
    (await processTokenResponse(response, proofSent).catch((e) => e)) as {
      name: string
      code: string
      message: string
      details: unknown
    }

  test.each([
    ['an array', [{ access_token: 'at', token_type: 'Bearer' }]],
    ['a string', '"at"'],
    ['null', 'null'],
    ['not JSON', '<html>'],
  ])('a 200 with %s as body → invalid "body"', async (_n, body) => {
    const error = await refusal(json(body))
    expect(error).toMatchObject({
      name: 'TokenError',
      code: 'token_request_failed',
      message: 'The token response has an invalid "body"',
      details: { attribute: 'body' },
    })
  })

  test('an error response names the status and the OAuth error', async () => {
    const error = await refusal(json({ error: 'invalid_client' }, 401))
    expect(error).toMatchObject({
      code: 'token_request_failed',
      message: 'The token endpoint answered HTTP 401 (invalid_client)',
      details: { status: 401, error: 'invalid_client' },
    })
  })

  test('an error response without an OAuth error names the status only', async () => {
    const error = await refusal(json('<html>', 400))
    expect(error.message).toBe('The token endpoint answered HTTP 400')
    expect(error.details).toEqual({ status: 400 })
  })

  test('HTTP 500 is a server_error, 499 is not', async () => {
    expect((await refusal(json({}, 500))).code).toBe('server_error')
    expect((await refusal(json({}, 499))).code).toBe('token_request_failed')
  })

  test.each([
    [['Bearer'], false],
    ['xbearer', false],
    ['bearerx', false],
    ['xbearer', true],
    ['dpopx', true],
  ])('token_type %j (proof sent: %s) is refused', async (tokenType, proofSent) => {
    const error = await refusal(json({ ...ok, token_type: tokenType }), proofSent)
    expect(error.details).toEqual({ attribute: 'token_type' })
  })

  test.each([[''], [' 5'], ['5 '], ['1e3'], [true], [null], [-1], [['5']]])(
    'expires_in %j is refused',
    async (expiresIn) => {
      const error = await refusal(json({ ...ok, expires_in: expiresIn }))
      expect(error.details).toEqual({ attribute: 'expires_in' })
    },
  )

  test('optional fields that are absent stay absent', async () => {
    expect(
      await processTokenResponse(json({ access_token: 'at', token_type: 'Bearer' })),
    ).toStrictEqual({ access_token: 'at', token_type: 'Bearer' })
  })

  test('an empty scope is kept as given', async () => {
    expect(
      await processTokenResponse(json({ access_token: 'at', token_type: 'Bearer', scope: '' })),
    ).toStrictEqual({ access_token: 'at', token_type: 'Bearer', scope: '' })
  })

  test.each([
    ['a line break', 'at\r\nX-Injected: 1'],
    ['a space', 'at two'],
    ['a non-ASCII character', 'at-é'],
    ['a quote', 'at"'],
    ['a comma', 'a,b'],
    ['padding inside', 'a=b'],
  ])('an access token with %s cannot go in an Authorization header: refused', async (_n, token) => {
    const error = await refusal(json({ ...ok, access_token: token }))
    expect(error).toMatchObject({
      name: 'TokenError',
      code: 'token_request_failed',
      message:
        'The token response has an access_token that cannot be sent in an Authorization header (RFC 6750 §2.1)',
      details: { attribute: 'access_token' },
    })
  })
})

describe('processTokenResponse: tokens and lifetimes the kit can use', () => {
  test.each(['eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'AZaz09-._~+/', 'abc=='])(
    'the access token %s is accepted as b64token (RFC 6750 §2.1, RFC 9449 §7.1 token68)',
    async (token) => {
      expect((await processTokenResponse(json({ ...ok, access_token: token }))).access_token).toBe(
        token,
      )
    },
  )

  test.each([1e308, 315_576_001, '99999999999999999999'])(
    'an expires_in beyond ten years (%j) is treated as absent',
    async (expiresIn) => {
      const response = await processTokenResponse(json({ ...ok, expires_in: expiresIn }))
      expect(response).not.toHaveProperty('expires_in')
    },
  )

  test('ten years exactly is kept', async () => {
    expect((await processTokenResponse(json({ ...ok, expires_in: 315_576_000 }))).expires_in).toBe(
      315_576_000,
    )
  })
})
