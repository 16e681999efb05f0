import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { mcpCall, setupWorld } from '../test-support/harness.js'

// What server.fetch reads of an answer, and where each call of a page goes: calls to the same
// URL repeat, and what the kit keeps of the last one must never decide the next.

const mock = useMockServer()
const RESOURCE = 'https://mcp.example.com/mcp'
const OTHER = 'https://mcp.example.com/other'

/**
 * An authorized handle whose origin answers with `answer` once authorized, and the requests that
 * reached the origin from then on.
 */
async function authorizedWith(answer: (url: string) => Response) {
  const w = createWorld({ resource: RESOURCE })
  let live = false
  const sent: { url: string; authorization: string | null }[] = []
  const fetchFn: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!live || !url.startsWith('https://mcp.example.com/')) return fetch(input, init)
    const headers = new Headers(input instanceof Request ? input.headers : init?.headers)
    if (init?.headers)
      for (const [name, value] of new Headers(init.headers)) headers.set(name, value)
    sent.push({ url, authorization: headers.get('authorization') })
    return Promise.resolve(answer(url))
  }
  const { handle } = setupWorld(mock, w, { auth: { fetch: fetchFn } })
  expect((await handle.authorize()).status).toBe('authorized')
  live = true
  return { handle, sent }
}

/** `response`, counting every read of its headers. */
function countingHeaderReads(response: Response) {
  const headers = response.headers
  const reads = { count: 0 }
  Object.defineProperty(response, 'headers', {
    get: () => {
      reads.count++
      return headers
    },
  })
  return { response, reads }
}

describe('an answer', () => {
  test('a success is read for nothing: no challenge, no redirect, not one header', async () => {
    const answers: { count: number }[] = []
    const { handle } = await authorizedWith(() => {
      const { response, reads } = countingHeaderReads(Response.json({ ok: true }))
      answers.push(reads)
      return response
    })
    for (let i = 0; i < 3; i++) expect((await mcpCall(handle)).status).toBe(200)
    expect(answers.map((reads) => reads.count)).toEqual([0, 0, 0])
    expect(handle.getSnapshot().status).toBe('authorized')
  })

  test.each([300, 304])(
    'a %i with a Location, which fetch does not follow, is the answer',
    async (status) => {
      const { handle, sent } = await authorizedWith(
        () => new Response(null, { status, headers: { location: `${RESOURCE}/moved` } }),
      )
      const response = await handle.fetch(RESOURCE, { method: 'GET' })
      expect(response.status).toBe(status)
      expect(response.headers.get('location')).toBe(`${RESOURCE}/moved`)
      expect(sent.map((call) => call.url)).toEqual([RESOURCE])
    },
  )

  test('a 401 is still read for its challenge: the server asks for authorization again', async () => {
    const { handle } = await authorizedWith(
      () =>
        new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_request"' },
        }),
    )
    expect((await mcpCall(handle)).status).toBe(401)
    expect(handle.getSnapshot().status).toBe('needs-authorization')
  })
})

describe('a step-up', () => {
  test('a success forgets the attempts of its operation: the next refusal starts again', async () => {
    const w = createWorld({ resource: RESOURCE })
    let answer: (() => Response) | undefined
    const fetchFn: typeof fetch = (input, init) =>
      answer && String(input) === RESOURCE ? Promise.resolve(answer()) : fetch(input, init)
    const { handle } = setupWorld(mock, w, { auth: { fetch: fetchFn, maxStepUpAttempts: 2 } })
    await handle.authorize()
    const refuse = () =>
      new Response(null, {
        status: 403,
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="extra"' },
      })
    const call = () => mcpCall(handle, 'tools/call', { name: 'admin' })
    for (let round = 0; round < 2; round++) {
      answer = refuse
      expect((await call()).status).toBe(403)
      expect(handle.getSnapshot().status).toBe('needs-step-up')
      answer = undefined
      // The second attempt of the operation: the budget allows it each time.
      expect((await handle.authorize()).status).toBe('authorized')
      answer = () => Response.json({ ok: true })
      expect((await call()).status).toBe(200)
    }
  })
})

describe('a call without a token', () => {
  test('follows redirects as the app asked, by default as fetch does: there is nothing to leak', async () => {
    const w = createWorld({ resource: RESOURCE })
    const modes: (RequestRedirect | undefined)[] = []
    const fetchFn: typeof fetch = (input, init) => {
      if (String(input) !== RESOURCE) return fetch(input, init)
      modes.push(init?.redirect)
      return Promise.resolve(Response.json({ ok: true }))
    }
    const { handle } = setupWorld(mock, w, { auth: { fetch: fetchFn } })
    await handle.fetch(RESOURCE, { method: 'POST', body: '{}' })
    await handle.fetch(RESOURCE, { method: 'POST', body: '{}', redirect: 'error' })
    expect(modes).toEqual(['follow', 'error'])
  })
})

describe('calls in turn to URLs inside and outside the resource', () => {
  test('each goes to its own URL, with the token only inside the resource', async () => {
    const { handle, sent } = await authorizedWith(() => Response.json({ ok: true }))
    const order = [RESOURCE, OTHER, `${RESOURCE}/sub`, OTHER, RESOURCE, new URL(OTHER)]
    for (const url of order) await handle.fetch(url, { method: 'POST', body: '{}' })
    expect(
      sent.map((call) => [call.url, call.authorization?.startsWith('Bearer ') ?? false]),
    ).toEqual([
      [RESOURCE, true],
      [OTHER, false],
      [`${RESOURCE}/sub`, true],
      [OTHER, false],
      [RESOURCE, true],
      [OTHER, false],
    ])
  })

  test('a relative URL after an absolute one is not taken for it', async () => {
    const { handle, sent } = await authorizedWith(() => Response.json({ ok: true }))
    await handle.fetch(RESOURCE, { method: 'POST', body: '{}' })
    // Outside a page a relative URL has no base: fetch refuses it, and so does server.fetch.
    await expect(handle.fetch('/mcp', { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(
      TypeError,
    )
    expect(sent.map((call) => call.url)).toEqual([RESOURCE])
  })
})
