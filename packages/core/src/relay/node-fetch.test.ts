import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, test } from 'vitest'
import { createMcpRelay } from './create-relay.js'
import { nodeFetch } from './node-fetch.js'

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A target on 127.0.0.1; returns its port. */
async function target(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return address.port
}

// A name no resolver knows (RFC 6761 §6.4): reaching the server proves the checked address,
// not a new resolution, chose where the connection went.
const NOWHERE = 'mcp.relay-test.invalid'

describe('nodeFetch: connects only to the addresses the relay checked', () => {
  test('a name no DNS knows reaches the checked address, with its own Host header', async () => {
    let host: string | undefined
    const port = await target((req, res) => {
      host = req.headers.host
      res.writeHead(200, [
        ['content-type', 'text/plain'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ])
      res.end('hello')
    })
    const response = await nodeFetch(
      `http://${NOWHERE}:${port}/mcp`,
      { method: 'GET', headers: new Headers() },
      { addresses: ['127.0.0.1'] },
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('hello')
    expect(host).toBe(`${NOWHERE}:${port}`)
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect([...response.headers.keys()].sort()).toEqual([
      'connection',
      'content-type',
      'date',
      'keep-alive',
      'set-cookie',
      'set-cookie',
      'transfer-encoding',
    ])
  })

  test('the first address that answers is used, IPv4 or IPv6', async () => {
    const port = await target((_, res) => res.end('v4'))
    const response = await nodeFetch(
      `http://${NOWHERE}:${port}/`,
      { headers: new Headers() },
      { addresses: ['127.0.0.1', '::1'] },
    )
    expect(await response.text()).toBe('v4')
  })

  test('without checked addresses it connects nowhere', async () => {
    await expect(nodeFetch('http://127.0.0.1:1/', {}, { addresses: [] })).rejects.toThrow(
      'nodeFetch connects only to checked addresses.',
    )
    await expect(nodeFetch('http://127.0.0.1:1/', {}, undefined as never)).rejects.toThrow(
      TypeError,
    )
  })

  test('the method, headers and body go out as given; nothing is added but Host', async () => {
    let seen:
      | { method: string | undefined; headers: Record<string, unknown>; body: string }
      | undefined
    const port = await target((req, res) => {
      let body = ''
      req.on('data', (chunk) => {
        body += chunk
      })
      req.on('end', () => {
        seen = { method: req.method, headers: req.headers, body }
        res.end()
      })
    })
    await nodeFetch(
      `http://${NOWHERE}:${port}/token`,
      {
        method: 'POST',
        headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded', dpop: 'p' }),
        body: new TextEncoder().encode('a=1&b=2'),
      },
      { addresses: ['127.0.0.1'] },
    )
    expect(seen?.method).toBe('POST')
    expect(seen?.body).toBe('a=1&b=2')
    expect(seen?.headers).toEqual(
      expect.objectContaining({ 'content-type': 'application/x-www-form-urlencoded', dpop: 'p' }),
    )
    expect(seen?.headers).not.toHaveProperty('accept-encoding')
    expect(seen?.headers).not.toHaveProperty('cookie')
  })

  test('a null body is no body', async () => {
    const port = await target((req, res) => res.end(req.method))
    const response = await nodeFetch(
      `http://${NOWHERE}:${port}/`,
      { body: null },
      { addresses: ['127.0.0.1'] },
    )
    expect(await response.text()).toBe('GET')
  })

  test('connections are kept alive and reused', async () => {
    const ports: (number | undefined)[] = []
    const port = await target((req, res) => {
      ports.push(req.socket.remotePort)
      res.end('ok')
    })
    for (let i = 0; i < 2; i++) {
      const response = await nodeFetch(
        `http://${NOWHERE}:${port}/`,
        {},
        { addresses: ['127.0.0.1'] },
      )
      await response.text()
    }
    expect(ports).toHaveLength(2)
    expect(ports[1]).toBe(ports[0])
  })

  test('a status a Response cannot carry rejects, and frees the connection', async () => {
    const port = await target((_, res) => {
      res.writeHead(600)
      res.end('odd')
    })
    await expect(
      nodeFetch(`http://${NOWHERE}:${port}/`, {}, { addresses: ['127.0.0.1'] }),
    ).rejects.toThrow(RangeError)
  })

  test('a body that is not bytes is refused', async () => {
    await expect(
      nodeFetch(
        'http://127.0.0.1:1/',
        { method: 'POST', body: 'text' },
        { addresses: ['127.0.0.1'] },
      ),
    ).rejects.toThrow('nodeFetch sends bodies as bytes only.')
  })

  test('a redirect is returned, not followed', async () => {
    const port = await target((_, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' })
      res.end()
    })
    const response = await nodeFetch(
      `http://${NOWHERE}:${port}/`,
      { redirect: 'manual' },
      { addresses: ['127.0.0.1'] },
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere')
  })

  test('statuses without a body come back without one', async () => {
    const port = await target((req, res) => {
      res.writeHead(req.url === '/304' ? 304 : 204)
      res.end()
    })
    for (const path of ['/204', '/304']) {
      const response = await nodeFetch(
        `http://${NOWHERE}:${port}${path}`,
        {},
        {
          addresses: ['127.0.0.1'],
        },
      )
      expect(response.body).toBeNull()
    }
  })

  test('a stream arrives as it is written', async () => {
    let writer: ServerResponse | undefined
    const port = await target((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.flushHeaders()
      writer = res
    })
    const response = await nodeFetch(`http://${NOWHERE}:${port}/`, {}, { addresses: ['127.0.0.1'] })
    const reader = response.body!.getReader()
    writer!.write('data: 1\n\n')
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: 1\n\n')
    writer!.end('data: 2\n\n')
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: 2\n\n')
    expect((await reader.read()).done).toBe(true)
  })

  test('the abort signal ends the request, and cancelling the body closes the connection', async () => {
    let closed!: () => void
    const gone = new Promise<void>((resolve) => {
      closed = resolve
    })
    const port = await target((req, res) => {
      res.writeHead(200)
      res.flushHeaders()
      req.socket.on('close', closed)
    })
    const response = await nodeFetch(`http://${NOWHERE}:${port}/`, {}, { addresses: ['127.0.0.1'] })
    await response.body!.cancel()
    await gone

    const hang = await target(() => {})
    const controller = new AbortController()
    const pending = nodeFetch(
      `http://${NOWHERE}:${hang}/`,
      { signal: controller.signal },
      { addresses: ['127.0.0.1'] },
    )
    controller.abort()
    await expect(pending).rejects.toThrow()
  })

  test('a refused connection rejects', async () => {
    const port = await target(() => {})
    servers[0]!.close()
    await expect(
      nodeFetch(`http://${NOWHERE}:${port}/`, {}, { addresses: ['127.0.0.1'] }),
    ).rejects.toThrow()
  })
})

// Plain http needs a loopback name (RFC 6761 §6.3); the stub resolver is the only one asked.
const DEV_NAME = 'mcp.relay-test.localhost'

describe('the relay with nodeFetch: one resolution, checked and used', () => {
  test('the resolver is asked once per request, and the connection goes where it said', async () => {
    const port = await target((req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'application/json' })
      res.end(JSON.stringify({ host: req.headers.host }))
    })
    const lookups: string[] = []
    const relay = createMcpRelay({
      allow: [DEV_NAME],
      origins: ['http://127.0.0.1:5173'],
      allowLoopback: true,
      fetch: nodeFetch,
      resolve: async (hostname) => {
        lookups.push(hostname)
        return ['127.0.0.1']
      },
    })
    const response = await relay(
      new Request(
        `http://127.0.0.1:5173/mcp-relay?url=${encodeURIComponent(`http://${DEV_NAME}:${port}/mcp`)}`,
        { headers: { origin: 'http://127.0.0.1:5173' } },
      ),
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(await response.json()).toEqual({ host: `${DEV_NAME}:${port}` })
    expect(lookups).toEqual([DEV_NAME])
  })
})
