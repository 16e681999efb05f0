import { loadNodeModule } from './node-module.js'
import type { RelayFetch } from './types.js'

/** The parts of `node:http` / `node:https` the fetch uses. */
interface NodeHttp {
  Agent: new (options: { keepAlive: boolean }) => unknown
  request(
    url: URL,
    options: Record<string, unknown>,
    onResponse: (response: NodeIncoming) => void,
  ): NodeOutgoing
}
interface NodeIncoming extends AsyncIterable<Uint8Array> {
  statusCode?: number
  rawHeaders: string[]
  resume(): void
  destroy(): void
}
interface NodeOutgoing {
  on(event: 'error', listener: (error: Error) => void): void
  end(body?: Uint8Array): void
}
type LookupCallback = (
  error: Error | null,
  addresses: ReadonlyArray<{ address: string; family: number }>,
) => void

const agents = new Map<string, unknown>()
const NULL_BODY = new Set([204, 205, 304])

/**
 * A relay `fetch` for Node that connects only to the addresses the relay checked: its socket
 * `lookup` answers with them instead of resolving the name again, so a DNS answer that changes
 * between the check and the connection (DNS rebinding) cannot lead the relay to another
 * address. TLS still verifies the certificate for the host name. HTTP/1.1, no redirects, no
 * compression, no proxy.
 *
 * ```ts
 * createMcpRelay({ allow, origins, fetch: nodeFetch })
 * ```
 */
export const nodeFetch: RelayFetch = async (url, init, context) => {
  const target = new URL(url)
  const addresses = context?.addresses ?? []
  if (addresses.length === 0) throw new TypeError('nodeFetch connects only to checked addresses.')
  const http = (await loadNodeModule(
    target.protocol === 'https:' ? 'node:https' : 'node:http',
  )) as NodeHttp
  const agent = agents.get(target.protocol) ?? new http.Agent({ keepAlive: true })
  agents.set(target.protocol, agent)
  const entries = addresses.map((address) => ({
    address,
    family: address.includes(':') ? 6 : 4,
  }))
  // With `autoSelectFamily`, Node asks for every address (`all: true`) and tries them in turn.
  const lookup = (_host: string, _options: unknown, callback: LookupCallback) =>
    callback(null, entries)
  const body = init.body
  if (body != null && !(body instanceof Uint8Array)) {
    throw new TypeError('nodeFetch sends bodies as bytes only.')
  }
  return new Promise<Response>((resolve, reject) => {
    const request = http.request(
      target,
      {
        method: init.method,
        headers: Object.fromEntries(new Headers(init.headers)),
        agent,
        lookup,
        autoSelectFamily: true,
        signal: init.signal,
      },
      (response) => {
        const headers = new Headers()
        for (let i = 0; i < response.rawHeaders.length; i += 2)
          headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!)
        const status = response.statusCode ?? 502
        if (NULL_BODY.has(status)) {
          response.resume()
          resolve(new Response(null, { status, headers }))
          return
        }
        const chunks = response[Symbol.asyncIterator]()
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const next = await chunks.next()
            if (next.done) controller.close()
            else controller.enqueue(new Uint8Array(next.value))
          },
          cancel() {
            response.destroy()
          },
        })
        try {
          resolve(new Response(stream, { status, headers }))
        } catch (error) {
          response.destroy()
          reject(error)
        }
      },
    )
    request.on('error', reject)
    request.end(body ?? undefined)
  })
}
