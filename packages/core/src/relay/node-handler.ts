import type { McpRelay } from './types.js'

/** The part of Node's `IncomingMessage` (and Express's request) the adapter reads. */
export interface NodeRelayRequest extends AsyncIterable<Uint8Array | string> {
  method?: string | undefined
  url?: string | undefined
  /** Express keeps the full path here when the relay is mounted under a prefix. */
  originalUrl?: string | undefined
  headers: Record<string, string | string[] | undefined>
}

/** The part of Node's `ServerResponse` (and Express's response) the adapter writes. */
export interface NodeRelayResponse {
  statusCode: number
  readonly writableFinished: boolean
  setHeader(name: string, value: string | readonly string[]): unknown
  flushHeaders(): void
  write(chunk: Uint8Array): boolean
  end(): unknown
  destroy(): unknown
  once(event: 'close' | 'drain', listener: () => void): unknown
}

/** A Node `http` listener, also usable as Connect or Express middleware. */
export type NodeRelayHandler = (
  request: NodeRelayRequest,
  response: NodeRelayResponse,
  next?: (error?: unknown) => void,
) => void

/** The Node request as a Fetch API `Request`, its body streamed with back-pressure. */
function toRequest(request: NodeRelayRequest, signal: AbortSignal): Request {
  const method = request.method ?? 'GET'
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    // HTTP/2 pseudo-headers (`:path`) are not headers.
    if (name.startsWith(':') || value === undefined) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  const host = headers.get('host')
  const path = request.originalUrl ?? request.url ?? '/'
  const url = URL.parse(path, `http://${host ?? 'localhost'}`) ?? new URL(path, 'http://localhost')
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal }
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks = request[Symbol.asyncIterator]()
    init.body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next()
        if (next.done) controller.close()
        else
          controller.enqueue(
            typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value,
          )
      },
      async cancel() {
        await chunks.return?.()
      },
    })
    init.duplex = 'half'
  }
  return new Request(url, init)
}

/**
 * Mounts a relay (or any Fetch API handler) on Node's `http` server, Connect or Express:
 * `createServer(toNodeHandler(relay))`, `app.all('/mcp-relay', toNodeHandler(relay))`. The
 * request body is streamed to the relay (mount it before any body parser), the answer is
 * written as it arrives (Server-Sent Events flow), and a page that goes away aborts the
 * upstream request.
 */
export function toNodeHandler(relay: McpRelay): NodeRelayHandler {
  return (request, response, next) => {
    const controller = new AbortController()
    response.once('close', () => {
      if (!response.writableFinished) controller.abort()
    })
    const write = async () => {
      const answer = await relay(toRequest(request, controller.signal))
      response.statusCode = answer.status
      for (const [name, value] of answer.headers) response.setHeader(name, value)
      if (answer.body === null) {
        response.end()
        return
      }
      // Headers go out now: an event stream's first event may be a while.
      response.flushHeaders()
      streaming = true
      const reader = answer.body.getReader()
      let wake: (() => void) | undefined
      controller.signal.addEventListener('abort', () => {
        reader.cancel().catch(() => {})
        wake?.()
      })
      for (;;) {
        const chunk = await reader.read()
        if (chunk.done || controller.signal.aborted) break
        if (!response.write(chunk.value)) {
          await new Promise<void>((resolve) => {
            wake = resolve
            response.once('drain', resolve)
          })
        }
      }
      response.end()
    }
    let streaming = false
    write().catch((error: unknown) => {
      if (controller.signal.aborted) return
      // A stream cut by the target is cut for the page too, never ended as if complete.
      if (streaming) response.destroy()
      else if (next) next(error)
      else {
        response.statusCode = 500
        response.end()
      }
    })
  }
}
