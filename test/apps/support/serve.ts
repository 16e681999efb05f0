import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
}

/**
 * The strict policy every app runs under: nothing inline, nothing from elsewhere, except
 * `connect-src` for the demo stack's loopback origins (their ports change every run).
 */
export function strictCsp(connect: readonly string[]): string {
  return [
    "default-src 'self'",
    "style-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ${connect.join(' ')}`,
  ].join('; ')
}

export interface StaticServer {
  origin: string
  close(): Promise<void>
}

/**
 * Serves a production build on 127.0.0.1 and a free port with a CSP header. Paths that are not
 * files get `index.html` when `spaFallback` is on, as Vite's preview, Netlify or nginx
 * `try_files` do for a single-page app.
 */
export async function serveStatic(options: {
  root: string
  csp: string
  spaFallback: boolean
}): Promise<StaticServer> {
  const root = normalize(options.root)
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error))
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    let file = normalize(join(root, path))
    if (!file.startsWith(root + sep) && file !== root) {
      response.writeHead(403).end()
      return
    }
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    )
    if (!isFile) {
      const index = join(file, 'index.html')
      const hasIndex = await stat(index).then(
        (s) => s.isFile(),
        () => false,
      )
      if (hasIndex) file = index
      else if (options.spaFallback && !extname(path)) file = join(root, 'index.html')
      else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
        return
      }
    }
    const body = await readFile(file)
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': options.csp,
      'cache-control': 'no-store',
    })
    response.end(body)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('static server did not start')
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
