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
