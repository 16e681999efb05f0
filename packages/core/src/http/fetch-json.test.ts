import { describe, expect, test, vi } from 'vitest'
import { McpAuthError } from '../errors.js'
import { discard, isStringArray, serverError } from './fetch-json.js'
import { getJson } from './json-document.js'

const url = 'https://as.example.com/.well-known/oauth-authorization-server'

/** A fetch answering every request with `make()`, recording each call. */
function answering(make: () => Response) {
  const calls: [string, RequestInit][] = []
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push([String(input), init])
    return make()
  }) as unknown as typeof fetch
  return { fetchFn, calls }
}

/** A response whose body stream records being cancelled. */
function trackedResponse(status: number, text = '{"a":1}') {
  const cancelled = vi.fn()
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text))
    },
    cancel: cancelled,
  })
  return { response: new Response(body, { status }), cancelled }
}

describe('getJson', () => {
  test('sends a GET asking for JSON, with the extra headers, never following redirects', async () => {
    const { fetchFn, calls } = answering(() => Response.json({ issuer: 'x' }))
    const result = await getJson(fetchFn, url, 'authorization server metadata', {
      'mcp-protocol-version': '2025-11-25',
    })
    expect(result).toEqual({ ok: true, body: { issuer: 'x' } })
    expect(calls).toEqual([
      [
        url,
        {
          method: 'GET',
          headers: { accept: 'application/json', 'mcp-protocol-version': '2025-11-25' },
          redirect: 'manual',
        },
      ],
    ])
  })

  test('passes the abort signal on', async () => {
    const { fetchFn, calls } = answering(() => Response.json({}))
    const controller = new AbortController()
    await getJson(fetchFn, url, 'resource metadata', {}, controller.signal)
    expect(calls[0]![1].signal).toBe(controller.signal)
  })

  test('an aborted request rethrows the abort reason as is', async () => {
    const controller = new AbortController()
    const reason = new DOMException('stop', 'AbortError')
    controller.abort(reason)
    const fetchFn = (async () => {
      throw reason
    }) as typeof fetch
    await expect(getJson(fetchFn, url, 'resource metadata', {}, controller.signal)).rejects.toBe(
      reason,
    )
  })

  test('a failure with a signal that did not abort is a network_error', async () => {
    const fetchFn = (async () => {
      throw new TypeError('fetch failed')
    }) as typeof fetch
    const signal = new AbortController().signal
    const error = await getJson(fetchFn, url, 'resource metadata', {}, signal).catch((e) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error.code).toBe('network_error')
  })

  test('a failure without a signal is a network_error naming the URL', async () => {
    const cause = new TypeError('fetch failed')
    const fetchFn = (async () => {
      throw cause
    }) as typeof fetch
    const error = await getJson(fetchFn, url, 'resource metadata').catch((e) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({ code: 'network_error', message: `Request to ${url} failed` })
    expect(error.cause).toBe(cause)
  })

  test.each([201, 203, 404, 500])('a JSON object with HTTP %i is a miss', async (status) => {
    const { fetchFn } = answering(() => Response.json({ issuer: 'x' }, { status }))
    expect(await getJson(fetchFn, url, 'resource metadata')).toEqual({ ok: false, status })
  })

  test.each([
    ['null', 'null'],
    ['a string', '"x"'],
    ['a number', '42'],
    ['an array', '[{"a":1}]'],
    ['not JSON', '<html>'],
  ])('%s with HTTP 200 is a miss', async (_name, text) => {
    const { fetchFn } = answering(
      () => new Response(text, { headers: { 'content-type': 'application/json' } }),
    )
    expect(await getJson(fetchFn, url, 'resource metadata')).toEqual({ ok: false, status: 200 })
  })

  test('the body of a miss is released unread', async () => {
    const { response, cancelled } = trackedResponse(404)
    await getJson(async () => response, url, 'resource metadata')
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalledTimes(1))
  })
})

describe('fetch-json helpers', () => {
  test('serverError is a transient error quoting the URL and status', () => {
    const error = serverError(url, 502)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(error).toMatchObject({
      code: 'server_error',
      transient: true,
      message: `${url} answered HTTP 502`,
      details: { status: 502 },
    })
  })

  test('isStringArray wants every entry to be a string', () => {
    expect(isStringArray(['a', 'b'])).toBe(true)
    expect(isStringArray([])).toBe(true)
    expect(isStringArray(['a', 1])).toBe(false)
    expect(isStringArray('a')).toBe(false)
  })

  test('discard cancels the body', async () => {
    const { response, cancelled } = trackedResponse(200)
    discard(response)
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalledTimes(1))
  })
})
