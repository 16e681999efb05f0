import { describe, expect, test } from 'vitest'
import { authenticateClient, postToEndpoint } from './endpoint-request.js'

const endpoint = 'https://as.example.com/token'

/** A fetch that records its one request and answers 200. */
function recorder() {
  const calls: { url: string; init: RequestInit }[] = []
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init })
    return new Response('{}')
  }) as typeof fetch
  return { fetchFn, calls }
}

describe('postToEndpoint', () => {
  test('a form POST: form content type, JSON accepted, client authentication, extra headers kept', async () => {
    const { fetchFn, calls } = recorder()
    await postToEndpoint(
      fetchFn,
      endpoint,
      'token_endpoint',
      {
        form: { grant_type: 'refresh_token' },
        client: { clientId: 'c', tokenEndpointAuthMethod: 'none' },
      },
      { dpop: 'proof' },
    )
    expect(calls).toHaveLength(1)
    const { url, init } = calls[0]!
    expect(url).toBe(endpoint)
    expect(init.method).toBe('POST')
    expect(init.redirect).toBe('manual')
    const headers = new Headers(init.headers)
    expect(Object.fromEntries(headers)).toEqual({
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      dpop: 'proof',
    })
    expect(String(init.body)).toBe('grant_type=refresh_token&client_id=c')
  })

  test('a JSON POST', async () => {
    const { fetchFn, calls } = recorder()
    await postToEndpoint(fetchFn, endpoint, 'registration_endpoint', { json: { a: 1 } })
    const { init } = calls[0]!
    expect(Object.fromEntries(new Headers(init.headers))).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
    })
    expect(init.body).toBe('{"a":1}')
  })

  test('an insecure endpoint is refused by the given name before any request', () => {
    const { fetchFn, calls } = recorder()
    expect(() =>
      postToEndpoint(fetchFn, 'http://as.example.com/token', 'token_endpoint', { json: {} }),
    ).toThrow(/^token_endpoint must use https/)
    expect(calls).toHaveLength(0)
  })
})

describe('authenticateClient without a secret', () => {
  test('client_secret_basic sends an empty secret', () => {
    const headers = new Headers()
    authenticateClient(
      { clientId: 'c', tokenEndpointAuthMethod: 'client_secret_basic' },
      new URLSearchParams(),
      headers,
    )
    expect(headers.get('authorization')).toBe(`Basic ${btoa('c:')}`)
  })

  test('client_secret_post sends an empty secret', () => {
    const body = new URLSearchParams()
    authenticateClient(
      { clientId: 'c', tokenEndpointAuthMethod: 'client_secret_post' },
      body,
      new Headers(),
    )
    expect(body.toString()).toBe('client_id=c&client_secret=')
  })
})
