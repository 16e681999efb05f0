import { createServer } from 'node:http'

/**
 * Starts an HTTP server on 127.0.0.1 and a free port. The handler may be attached later (the
 * authorization server needs its own URL before it can be built).
 * @param {import('node:http').RequestListener} [handler]
 */
export async function listen(handler) {
  const server = createServer(handler)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
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
