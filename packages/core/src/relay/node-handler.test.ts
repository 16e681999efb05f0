import { createServer, request as httpRequest, type Server } from 'node:http'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpRelay } from './create-relay.js'
import { type NodeRelayRequest, toNodeHandler } from './node-handler.js'
import type { McpRelay } from './types.js'

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A Node server on 127.0.0.1 running `handler` through the adapter; returns its origin. */
async function serve(
  handler: McpRelay,
  wrap: (listener: ReturnType<typeof toNodeHandler>) => Parameters<typeof createServer>[1] = (l) =>
    l as never,
): Promise<string> {
  const server = createServer(wrap(toNodeHandler(handler)))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return `http://127.0.0.1:${address.port}`
}

describe('toNodeHandler: a Fetch API handler on node:http', () => {
  test('the handler sees the method, the full URL, every header and the body', async () => {
    let seen: { method: string; url: string; headers: [string, string][]; body: string } | undefined
    const origin = await serve(async (request) => {
      seen = {
        method: request.method,
        url: request.url,
        headers: [...request.headers].filter(([name]) => name.startsWith('x-')),
        body: await request.text(),
      }
      return new Response('ok')
    })
    const response = await fetch(
      `${origin}/mcp-relay?url=${encodeURIComponent('https://a.example/m?x=1')}`,
      {
        method: 'POST',
        headers: [
          ['x-one', '1'],
          ['x-two', 'a'],
          ['x-two', 'b'],
        ],
        body: 'hello',
      },
    )
    expect(await response.text()).toBe('ok')
    expect(seen).toEqual({
      method: 'POST',
      url: `${origin}/mcp-relay?url=${encodeURIComponent('https://a.example/m?x=1')}`,
      headers: [
        ['x-one', '1'],
        ['x-two', 'a, b'],
      ],
      body: 'hello',
    })
  })

  test('GET and HEAD have no body; DELETE may', async () => {
    const bodies: (string | null)[] = []
    const origin = await serve(async (request) => {
      bodies.push(request.body ? await request.text() : null)
      return new Response(null, { status: 204 })
    })
    await fetch(`${origin}/`)
    await fetch(`${origin}/`, { method: 'HEAD' })
    await fetch(`${origin}/`, { method: 'DELETE', body: 'bye' })
    expect(bodies).toEqual([null, null, 'bye'])
  })

  test('the answer: status, headers (set-cookie lines kept apart) and body', async () => {
    const origin = await serve(
      async () =>
        new Response('{"a":1}', {
          status: 401,
          headers: [
            ['content-type', 'application/json'],
            ['www-authenticate', 'Bearer'],
          ],
        }),
    )
    const response = await fetch(origin)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('{"a":1}')
  })

  test('a stream reaches the client chunk by chunk, headers first', async () => {
    let writer!: ReadableStreamDefaultController<Uint8Array>
    const origin = await serve(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              writer = controller
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    )
    // Headers arrive before any event is written.
    const response = await fetch(origin)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    writer.enqueue(new TextEncoder().encode('data: 1\n\n'))
    expect(decoder.decode((await reader.read()).value)).toBe('data: 1\n\n')
    writer.enqueue(new TextEncoder().encode('data: 2\n\n'))
    expect(decoder.decode((await reader.read()).value)).toBe('data: 2\n\n')
    writer.close()
    expect((await reader.read()).done).toBe(true)
  })

  test('a large answer arrives whole (writes wait for the socket to drain)', async () => {
    const big = new Uint8Array(8 * 1024 * 1024).map((_, i) => i % 251)
    const origin = await serve(async () => {
      const chunks = Array.from({ length: 64 }, (_, i) =>
        big.subarray(i * 131072, (i + 1) * 131072),
      )
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk = chunks.shift()
            if (chunk) controller.enqueue(chunk)
            else controller.close()
          },
        }),
      )
    })
    const received = new Uint8Array(await (await fetch(origin)).arrayBuffer())
    expect(received.length).toBe(big.length)
    expect(received.every((value, i) => value === big[i])).toBe(true)
  })

  test('a client that goes away aborts the request signal and cancels the answer', async () => {
    let signal: AbortSignal | undefined
    let resolveCancelled!: () => void
    const cancelled = new Promise<void>((resolve) => {
      resolveCancelled = resolve
    })
    let resolveStarted!: () => void
    const started = new Promise<void>((resolve) => {
      resolveStarted = resolve
    })
    const origin = await serve(async (request) => {
      signal = request.signal
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('data: 1\n\n'))
            resolveStarted()
          },
          cancel() {
            resolveCancelled()
          },
        }),
      )
    })
    const client = new AbortController()
    const response = await fetch(origin, { signal: client.signal })
    await response.body!.getReader().read()
    await started
    client.abort()
    await cancelled
    expect(signal?.aborted).toBe(true)
  })

  test('a handler that throws: 500, or the error to next() under Express', async () => {
    const origin = await serve(async () => {
      throw new Error('bug')
    })
    expect((await fetch(origin)).status).toBe(500)

    const errors: unknown[] = []
    const withNext = await serve(
      async () => {
        throw new Error('bug')
      },
      (listener) => (req, res) =>
        listener(req, res, (error) => {
          errors.push(error)
          res.statusCode = 599
          res.end()
        }),
    )
    expect((await fetch(withNext)).status).toBe(599)
    expect(errors).toEqual([new Error('bug')])
  })

  test('a stream that fails mid-way is cut for the client, not ended as if complete', async () => {
    const origin = await serve(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('data: 1\n\n'))
            },
            pull(controller) {
              controller.error(new Error('target reset'))
            },
          }),
        ),
    )
    const response = await fetch(origin)
    await expect(response.text()).rejects.toThrow()
  })

  test("Express's originalUrl is the URL the handler sees when mounted under a path", async () => {
    let url = ''
    const origin = await serve(
      async (request) => {
        url = request.url
        return new Response('ok')
      },
      (listener) => (req, res) => {
        Object.assign(req, { originalUrl: req.url, url: '/?url=x' })
        listener(req, res)
      },
    )
    await fetch(`${origin}/mcp-relay?url=https%3A%2F%2Fa.example%2F`)
    expect(url).toBe(`${origin}/mcp-relay?url=https%3A%2F%2Fa.example%2F`)
  })

  test('a request with a malformed Host still reaches the handler', async () => {
    let url = ''
    const origin = await serve(async (request) => {
      url = request.url
      return new Response('ok')
    })
    const { port } = new URL(origin)
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/mcp-relay?url=x', headers: { host: 'bad host:1:2' } },
        (response) => {
          response.resume()
          resolve(response.statusCode)
        },
      )
      request.on('error', reject)
      request.end()
    })
    expect(status).toBe(200)
    expect(url).toBe('http://localhost/mcp-relay?url=x')
  })
})

/**
 * A Node request and response the test drives by hand: what the adapter wrote, and when it
 * would block on a full socket.
 */
function fakeNode(request: Partial<NodeRelayRequest> & { chunks?: (string | Uint8Array)[] } = {}) {
  const { chunks = [], ...rest } = request
  const listeners = new Map<string, (() => void)[]>()
  const emit = (event: string) => {
    const waiting = listeners.get(event) ?? []
    listeners.delete(event)
    for (const listener of waiting) listener()
  }
  const written: Uint8Array[] = []
  let full = false
  const res = {
    statusCode: 200,
    writableFinished: false,
    headers: {} as Record<string, unknown>,
    ended: false,
    destroyed: false,
    setHeader(name: string, value: unknown) {
      res.headers[name] = value
    },
    flushHeaders() {},
    write(chunk: Uint8Array) {
      written.push(chunk)
      return !full
    },
    end() {
      res.ended = true
      res.writableFinished = true
      emit('finish-test')
    },
    destroy() {
      res.destroyed = true
    },
    once(event: string, listener: () => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
    },
  }
  const req: NodeRelayRequest = {
    headers: {},
    ...rest,
    async *[Symbol.asyncIterator]() {
      yield* chunks
    },
  }
  return {
    req,
    res,
    written,
    emit,
    /** Makes the next writes report a full socket, until `drain`. */
    fill: () => {
      full = true
    },
    done: () => new Promise<void>((resolve) => res.once('finish-test', resolve)),
  }
}

describe('toNodeHandler: what it makes of Node objects', () => {
  test('a request without method or URL is a GET of /; no Host means localhost', async () => {
    let seen: Request | undefined
    const node = fakeNode({})
    toNodeHandler(async (request) => {
      seen = request
      return new Response('ok')
    })(node.req, node.res)
    await node.done()
    expect(seen?.method).toBe('GET')
    expect(seen?.url).toBe('http://localhost/')
  })

  test('HTTP/2 pseudo-headers and absent values are left out; text chunks become bytes', async () => {
    let seen: { headers: [string, string][]; body: string } | undefined
    const node = fakeNode({
      method: 'POST',
      url: '/mcp-relay',
      headers: { ':path': '/mcp-relay', ':method': 'POST', 'x-a': 'a', 'x-none': undefined },
      chunks: ['hé', new TextEncoder().encode('llo')],
    })
    toNodeHandler(async (request) => {
      seen = { headers: [...request.headers], body: await request.text() }
      return new Response(null, { status: 204 })
    })(node.req, node.res)
    await node.done()
    expect(seen).toEqual({ headers: [['x-a', 'a']], body: 'héllo' })
    expect(node.res.statusCode).toBe(204)
    expect(node.written).toEqual([])
  })

  test('a full socket holds the next chunk until it drains', async () => {
    const node = fakeNode({ url: '/' })
    let pulls = 0
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1
          if (pulls === 4) controller.close()
          else controller.enqueue(new Uint8Array([pulls]))
        },
      },
      { highWaterMark: 0 },
    )
    node.fill()
    toNodeHandler(async () => new Response(body))(node.req, node.res)
    // Without the wait for drain, all three would be written by the time this looks.
    await vi.waitFor(() => expect(node.written).toHaveLength(1))
    expect(pulls).toBe(1)
    node.emit('drain')
    await vi.waitFor(() => expect(node.written).toHaveLength(2))
    node.emit('drain')
    await vi.waitFor(() => expect(node.written).toHaveLength(3))
    node.emit('drain')
    await node.done()
    expect(node.written.map((chunk) => chunk[0])).toEqual([1, 2, 3])
  })

  test('a response that finished normally does not abort the request afterwards', async () => {
    let signal: AbortSignal | undefined
    const node = fakeNode({ url: '/' })
    toNodeHandler(async (request) => {
      signal = request.signal
      return new Response('done')
    })(node.req, node.res)
    await node.done()
    node.emit('close')
    expect(signal?.aborted).toBe(false)
  })

  test('a client gone before an error: the error goes nowhere', async () => {
    const errors: unknown[] = []
    const node = fakeNode({ url: '/' })
    let fail!: (error: Error) => void
    toNodeHandler(
      () =>
        new Promise<Response>((_, reject) => {
          fail = reject
        }),
    )(node.req, node.res, (error) => errors.push(error))
    node.emit('close')
    fail(new Error('late'))
    // The next macrotask runs after every promise reaction the rejection set off.
    await new Promise((resolve) => setImmediate(resolve))
    expect(errors).toEqual([])
    expect(node.res.ended).toBe(false)
  })
})

describe('toNodeHandler with the relay: a body over the limit', () => {
  test('a large upload is refused with 413, which reaches the client', async () => {
    const origin = await serve(
      createMcpRelay({
        allow: ['mcp.example.com'],
        origins: ['https://chat.example'],
        maxBodyBytes: 1024,
        resolve: async () => ['93.184.215.14'],
        fetch: async () => new Response('never'),
      }),
    )
    const big = new Uint8Array(4 * 1024 * 1024)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 64; i++) controller.enqueue(big.subarray(i * 65536, (i + 1) * 65536))
        controller.close()
      },
    })
    const response = await fetch(
      `${origin}/mcp-relay?url=${encodeURIComponent('https://mcp.example.com/mcp')}`,
      {
        method: 'POST',
        headers: { origin: 'https://chat.example' },
        body,
        duplex: 'half',
      } as RequestInit,
    )
    expect(response.status).toBe(413)
    expect(response.headers.get('mcp-relay-error')).toBe('body_too_large')
  })
})
