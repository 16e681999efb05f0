import { createServer } from 'node:http'

/**
 * Starts an HTTP server on 127.0.0.1 and `port`, or a free port when it is 0. The handler may be
 * attached later (the authorization server needs its own URL before it can be built).
 * @param {import('node:http').RequestListener} [handler]
 * @param {number} [port]
 */
export async function listen(handler, port = 0) {
  const server = createServer(handler)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return {
    server,
    origin: `http://127.0.0.1:${address.port}`,
    /** @param {import('node:http').RequestListener} next */
    setHandler(next) {
      server.removeAllListeners('request')
      server.on('request', next)
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      }),
  }
}

/** Loopback origins may call every stack endpoint from a browser. */
export function isLoopbackOrigin(origin) {
  try {
    const { hostname, protocol } = new URL(origin)
    return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
  } catch {
    return false
  }
}
