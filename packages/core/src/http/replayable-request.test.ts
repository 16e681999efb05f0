import { describe, expect, test, vi } from 'vitest'
import { replayableCall } from './plain-call.js'
import { readReplayable } from './replayable-request.js'

const URL_ = 'https://mcp.example.com/mcp'
const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })

/** A fetch that records what each send passed it. */
function recorder() {
  const sent: { input: unknown; init: RequestInit | undefined }[] = []
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ input, init })
    return new Response('ok')
  }) as unknown as typeof fetch
  return { sent, fetchFn }
}

describe('replayableCall: a call taken as the app gave it, without a Request', () => {
  test('sends what fetch would send of the same input and options: URL, method, headers, body', async () => {
    const cases: [RequestInfo | URL, RequestInit | undefined][] = [
      [URL_, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } }],
      [new URL(`${URL_}?session=1`), { method: 'POST', body: '' }],
      ['HTTPS://MCP.example.com:443/a/../mcp', { method: 'DELETE' }],
      [URL_, undefined],
      [URL_, { method: 'OPTIONS', body: null }],
      [URL_, { method: 'PUT', body: BODY }],
      [URL_, { method: 'HEAD' }],
      // headers in every form a record carries as they are
      [URL_, { method: 'POST', body: BODY, headers: new Headers({ Accept: 'a', 'X-Two': 'b' }) }],
      [URL_, { headers: { 'Content-Type': 'text/plain', 'X-Y': 'y' } }],
      [URL_, { headers: { 'X-Pad': '  padded\t' } }],
      [URL_, { headers: Object.assign(Object.create(null), { 'x-bare': 'é' }) }],
      [URL_, { headers: {} }],
    ]
    /** What a request goes out as. */
    const wire = async (request: Request) => ({
      url: request.url,
      method: request.method,
      headers: [...request.headers],
      body: await request.text(),
    })
    for (const [input, init] of cases) {
      const call = replayableCall(input, init)!
      expect(call).toMatchObject({ url: new Request(input, init).url, body: init?.body ?? null })
      let sent: Request | undefined
      await call.send(async (input, init) => {
        sent = new Request(input, init)
        return new Response()
      }, 'follow')
      expect(await wire(sent!)).toEqual(await wire(new Request(input, init)))
      expect(call.method).toBe(sent!.method)
    }
  })

  test('keeps its own headers: an Authorization set on them never reaches the app’s', () => {
    const headers = new Headers({ 'content-type': 'application/json' })
    const call = replayableCall(URL_, { method: 'POST', headers, body: BODY })!
    call.headers.set('authorization', 'Bearer at')
    expect(headers.has('authorization')).toBe(false)
  })

  test('each send is the app’s URL and options again, with its headers and no redirect followed', async () => {
    const { sent, fetchFn } = recorder()
    const signal = new AbortController().signal
    const init: RequestInit = { method: 'POST', body: BODY, credentials: 'include', signal }
    const call = replayableCall(URL_, init)!
    expect(call.signal).toBe(signal)
    call.headers.set('authorization', 'Bearer one')
    await call.send(fetchFn)
    call.headers.set('authorization', 'Bearer two')
    await call.send(fetchFn, 'follow')
    expect(sent.map(({ input }) => input)).toEqual([URL_, URL_])
    expect(sent[0]!.init).toMatchObject({ ...init, redirect: 'manual' })
    expect(sent[1]!.init).toMatchObject({ ...init, redirect: 'follow' })
    // fetch gets a plain object of each send's headers: nothing to read back through a Headers
    // iterator, and no null-prototype object, which Chromium reads more slowly
    for (const { init } of sent) expect(Object.getPrototypeOf(init!.headers)).toBe(Object.prototype)
    expect(sent.map(({ init }) => init!.headers)).toEqual([
      { authorization: 'Bearer one' },
      { authorization: 'Bearer two' },
    ])
    expect(replayableCall(URL_)!.signal).toBeNull()
  })

  test('anything fetch would resolve, check or read differently is left to a Request', () => {
    const refused: [RequestInfo | URL, RequestInit | undefined][] = [
      [new Request(URL_, { method: 'POST', body: BODY }), undefined],
      ['/mcp', { method: 'POST', body: BODY }],
      [URL_, { method: 'POST', body: new URLSearchParams({ a: '1' }) }],
      [URL_, { method: 'POST', body: new Blob([BODY]) }],
      [URL_, { method: 'GET', body: BODY }],
      [URL_, { method: 'HEAD', body: '' }],
      [URL_, { method: 'PATCH', body: BODY }],
      [URL_, { method: 'postx', body: BODY }],
      [URL_, { method: 'xPOST', body: BODY }],
      // fetch upper-cases these: a Request says how
      [URL_, { method: 'post', body: BODY }],
      [URL_, { method: 'Get' }],
      // headers fetch would combine or convert
      [URL_, { headers: { Accept: 'a', accept: 'b' } }],
      [URL_, { headers: { 'x-n': 5 } as unknown as HeadersInit }],
      // other forms of headers: a Request reads them
      [URL_, { method: 'GET', headers: [['accept', 'text/event-stream']] }],
      [URL_, { headers: [] }],
      [URL_, { headers: new Map([['x-map', 'm']]) as unknown as HeadersInit }],
      [URL_, { headers: null as unknown as HeadersInit }],
      [URL_, { headers: 'x-a: b' as unknown as HeadersInit }],
    ]
    for (const [input, init] of refused) expect(replayableCall(input, init)).toBeUndefined()
  })

  test('a header name or value fetch refuses goes to fetch as given, which refuses it', async () => {
    const invalid: Record<string, string>[] = [
      { 'bad name': 'x' },
      { ' x': 'x' },
      { 'x-a(': 'x' },
      { '': 'x' },
      { 'x-a': 'one\ntwo' },
      { 'x-a': 'one\rtwo' },
      { 'x-a': 'nul\0' },
      { 'x-a': 'euro €' },
    ]
    for (const headers of invalid) {
      const call = replayableCall(URL_, { headers })!
      const given: Record<string, string>[] = []
      await call.send((_input, init) => {
        given.push(init?.headers as Record<string, string>)
        return Promise.resolve(new Response(null))
      })
      expect({ ...given[0] }).toEqual(headers)
      // What fetch checks before it sends anything.
      expect(() => new Request(URL_, { headers })).toThrow(TypeError)
    }
  })
})

describe('readReplayable: any other request, read once', () => {
  test('a stream body is read once, into memory, and sent again from the copy', async () => {
    const { sent, fetchFn } = recorder()
    const request = new Request(URL_, { method: 'POST', body: new Blob(['abc']) })
    const call = await readReplayable(request, request)
    expect(new TextDecoder().decode(call.body as ArrayBuffer)).toBe('abc')
    await call.send(fetchFn)
    await call.send(fetchFn)
    expect(sent.map(({ init }) => init!.body)).toEqual([call.body, call.body])
    expect(sent[0]!.input).toBe(request)
  })

  test('a Request with a string body beside it is sent as that Request, with the app’s headers', async () => {
    const { sent, fetchFn } = recorder()
    const source = new Request(URL_, { method: 'PUT', credentials: 'include' })
    const init: RequestInit = { body: BODY, headers: { 'x-app': '1' } }
    const call = await readReplayable(new Request(source, init), source, init)
    expect([...(call.headers as Headers)]).toEqual([['x-app', '1']])
    await call.send(fetchFn)
    const [{ input, init: options }] = sent as [{ input: Request; init: RequestInit }]
    expect(input).toBeInstanceOf(Request)
    expect(input).toMatchObject({ method: 'PUT', credentials: 'include' })
    expect(options).toMatchObject({ body: BODY, redirect: 'manual', headers: call.headers })
  })

  test('a string body beside a URL is sent as the app’s URL and options again', async () => {
    const { sent, fetchFn } = recorder()
    const init: RequestInit = { method: 'PATCH', body: BODY, headers: { 'x-app': '1' } }
    const request = new Request(URL_, init)
    const call = await readReplayable(request, URL_, init)
    expect(call.body).toBe(BODY)
    expect((call.headers as Headers).get('x-app')).toBe('1')
    await call.send(fetchFn)
    expect(sent[0]).toMatchObject({
      input: URL_,
      init: { method: 'PATCH', body: BODY, headers: call.headers, redirect: 'manual' },
    })
  })
})
