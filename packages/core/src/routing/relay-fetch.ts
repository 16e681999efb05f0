import type { FetchLike } from '../contracts/fetch.js'
import { ConfigurationError, McpAuthError } from '../errors.js'
import { relayed } from '../http/transport-error.js'
import { assertSecureUrl } from '../http/urls.js'
import { ERROR_HEADER, LOCATION_HEADER, REDIRECT_HEADER, TARGET_PARAM } from '../relay/wire.js'

// The page's side of the relay's wire protocol (`relay/wire.ts`).

/**
 * Where the relay takes a request for `target`: `<relay>?url=<encodeURIComponent(target)>`.
 * A relative relay URL is resolved against the page; like every URL the kit sends to, it must be
 * https (http only on loopback).
 */
export function relayUrl(relay: string, target: string): string {
  let url: URL
  try {
    url = new URL(relay, globalThis.location?.href)
  } catch (cause) {
    throw new ConfigurationError(
      'invalid_configuration',
      `relay must be an absolute URL outside a page: ${relay}`,
      { cause },
    )
  }
  url = assertSecureUrl(url.href, 'relay')
  url.search = `${url.search ? `${url.search}&` : '?'}${TARGET_PARAM}=${encodeURIComponent(target)}`
  return url.href
}

/**
 * Sends `request` to its target through the relay at `relay`, with the same method, headers and
 * body (the relay forwards the protocol's headers only), and answers as the target did. The
 * relay never follows a redirect: it hands it back (a 204 with `mcp-relay-redirect`), and this
 * turns it back into the 3xx it stands for, with its `Location`, so that whoever sent the request
 * applies its own rules to it (the bearer rules of `server.fetch` among them). A refusal or
 * failure of the relay itself rejects with `relay_refused` or `relay_failed`, `details.reason`
 * saying why; a relay that cannot be reached rejects with `network_error`.
 */
export async function sendThroughRelay(
  relay: string,
  fetchFn: FetchLike,
  request: Request,
): Promise<Response> {
  const target = request.url
  const bodyless = request.method === 'GET' || request.method === 'HEAD'
  let response: Response
  try {
    response = await fetchFn(relayUrl(relay, target), {
      method: request.method,
      headers: request.headers,
      ...(bodyless ? {} : { body: await request.arrayBuffer() }),
      signal: request.signal,
      redirect: 'manual',
    })
  } catch (cause) {
    if (cause instanceof McpAuthError || request.signal.aborted) throw cause
    throw mark(
      new McpAuthError('network_error', `The relay could not be reached for ${target}`, {
        cause,
        details: { url: target, relay: true },
      }),
    )
  }
  const reason = response.headers.get(ERROR_HEADER)
  if (reason !== null) throw mark(await relayError(response, reason, target))
  const status = Number(response.headers.get(REDIRECT_HEADER))
  if (status) {
    const location = response.headers.get(LOCATION_HEADER)
    response = new Response(null, { status, headers: location ? { location } : {} })
  }
  return mark(response)
}

/** What came through the relay, marked so for the event stream. */
function mark<T extends object>(value: T): T {
  relayed.add(value)
  return value
}

/** The typed error for the relay's own answer: `relay_refused` (4xx) or `relay_failed` (5xx). */
async function relayError(response: Response, reason: string, target: string) {
  const body: unknown = await response.json().catch(() => undefined)
  const said = (body as { message?: unknown } | undefined)?.message
  const failed = response.status >= 500
  return new McpAuthError(
    failed ? 'relay_failed' : 'relay_refused',
    `The relay ${failed ? 'could not complete' : 'refused'} the request to ${target}` +
      `${typeof said === 'string' ? `: ${said.slice(0, 200)}` : ''} (${reason})`,
    { details: { url: target, reason: reason.slice(0, 64), status: response.status } },
  )
}
