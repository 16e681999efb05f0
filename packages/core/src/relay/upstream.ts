import { upstreamSignal, whenAborted } from './deadline.js'
import { RelayRefusal } from './refusal.js'
import { checkedAddresses } from './resolve.js'
import type { RelayFetch, RelayResolver } from './types.js'

/** How the relay reaches targets: its resolver, its fetch, its address rules and deadline. */
export interface UpstreamOptions {
  resolve: RelayResolver
  fetch: RelayFetch
  allowLoopback: boolean
  headersTimeout: number
}

export interface UpstreamRequest {
  method: string
  headers: Headers
  body?: Uint8Array<ArrayBuffer> | undefined
}

/**
 * Sends one request to a target the relay has accepted: resolves and checks its addresses,
 * then fetches without following redirects, within the deadline for response headers. Every
 * failure becomes a refusal that says which: `timeout`, `aborted` (the page went away) or
 * `upstream_unreachable`.
 */
export async function sendUpstream(
  options: UpstreamOptions,
  target: URL,
  request: UpstreamRequest,
  page?: AbortSignal,
): Promise<Response> {
  const deadline = upstreamSignal(page, options.headersTimeout)
  try {
    const addresses = await Promise.race([
      checkedAddresses(target, options.resolve, options.allowLoopback),
      whenAborted(deadline.signal),
    ])
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      redirect: 'manual',
      signal: deadline.signal,
    }
    return await Promise.race([
      options.fetch(target.href, init, { addresses }),
      whenAborted(deadline.signal),
    ])
  } catch (error) {
    if (error instanceof RelayRefusal) throw error
    if (deadline.timedOut()) {
      throw new RelayRefusal('timeout', `${target.host} sent no response headers in time.`)
    }
    if (deadline.signal.aborted) {
      throw new RelayRefusal('aborted', 'The page went away before the target answered.')
    }
    throw new RelayRefusal('upstream_unreachable', `${target.host} could not be reached.`)
  } finally {
    deadline.clear()
  }
}
