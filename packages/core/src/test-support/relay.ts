import { createMcpRelay } from '../relay/create-relay.js'
import type { McpRelayOptions, RelayFetchContext } from '../relay/types.js'

/** The page's origin in relay tests, and the relay's own URL on it. */
export const APP = 'https://chat.example'
export const RELAY = `${APP}/mcp-relay`

/** One request the relay sent upstream, as the target received it. */
export interface UpstreamCall {
  url: string
  method: string
  headers: Headers
  body: string | undefined
  redirect: RequestRedirect | undefined
  signal: AbortSignal
  addresses: readonly string[]
}

/**
 * A relay whose network is a function of the test: the resolver answers from `dns` (every
 * name is public 93.184.215.14 unless told otherwise) and `answer` plays the target. Nothing
 * leaves the process. Every upstream call and every event is recorded.
 */
export function relayWorld(
  options: Partial<McpRelayOptions> & {
    dns?: Record<string, readonly string[]>
    answer?: (call: UpstreamCall) => Response | Promise<Response>
  } = {},
) {
  const calls: UpstreamCall[] = []
  const lookups: string[] = []
  const events: unknown[] = []
  const { dns = {}, answer = () => new Response('ok'), ...rest } = options
  const relay = createMcpRelay({
    allow: ['mcp.example.com', 'auth.example.com'],
    origins: [APP],
    resolve: async (hostname) => {
      lookups.push(hostname)
      return dns[hostname] ?? ['93.184.215.14']
    },
    fetch: async (url, init, context: RelayFetchContext) => {
      const body = init.body ? new TextDecoder().decode(init.body as Uint8Array) : undefined
      const call: UpstreamCall = {
        url,
        method: init.method ?? 'GET',
        headers: new Headers(init.headers),
        body,
        redirect: init.redirect,
        signal: init.signal!,
        addresses: context.addresses,
      }
      calls.push(call)
      return answer(call)
    },
    onEvent: (event) => events.push(event),
    ...rest,
  })
  return { relay, calls, lookups, events }
}

/** A request from the app's page to the relay, for `target`. */
export function pageRequest(
  target: string,
  init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string>; duplex?: 'half' } = {},
): Request {
  const { headers = {}, ...rest } = init
  return new Request(`${RELAY}?url=${encodeURIComponent(target)}`, {
    ...rest,
    headers: { origin: APP, ...headers },
  })
}

/** The relay's JSON refusal, with its status and reason header. */
export async function refusalOf(response: Response) {
  return {
    status: response.status,
    header: response.headers.get('mcp-relay-error'),
    body: (await response.json()) as { error: string; reason: string; message: string },
  }
}
