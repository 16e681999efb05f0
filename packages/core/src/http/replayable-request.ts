import type { FetchLike, ReplayableRequest } from '../contracts/fetch.js'

/**
 * `source` (its URL, method, signal and options; its own body is never sent), sent with
 * `headers` and `body` each time. A `Request` built from a used one takes the body given beside
 * it (WHATWG Fetch, `new Request(input, init)`), so every send is a fresh request, none a clone.
 * With `init` (what the app passed beside a URL: its body is `body`), each send is the app's
 * URL and `init` again, as quick as a fetch of its own.
 */
export const replayable = (
  source: Request,
  headers: Headers,
  body: string | ArrayBuffer | null,
  init?: RequestInit,
): ReplayableRequest => ({
  url: source.url,
  method: source.method,
  headers,
  body,
  signal: source.signal,
  send: (fetchFn: FetchLike, redirect: RequestRedirect = 'manual') =>
    init
      ? fetchFn(source.url, { ...init, headers, redirect })
      : fetchFn(source, { headers, redirect, body }),
})

/** The methods fetch writes in upper case, whatever case they come in (WHATWG Fetch, "normalize a method"). */
const NORMALIZED = /^(?:delete|get|head|options|post|put)$/i
/** The methods the `Request` constructor refuses a body with (WHATWG Fetch). */
// Stryker disable next-line Regex: NORMALIZED already holds the method to one whole name
const BODILESS = /^(?:get|head)$/i

/** The last URL string `absolute` parsed, and what it parsed to: calls repeat the same URL. */
let last: [input: string, href: string] | undefined

/** `input` as an absolute URL; `undefined` for a relative one, or a `Request`. */
function absolute(input: RequestInfo | URL): string | undefined {
  if (typeof input !== 'string') return input instanceof URL ? input.href : undefined
  if (last?.[0] !== input) {
    try {
      last = [input, new URL(input).href]
    } catch {
      return undefined
    }
  }
  return last[1]
}

/**
 * `fetch(input, init)` as a replayable request without building a `Request`, where that changes
 * nothing: an absolute URL, no body or a string one (what the MCP SDK's transport sends), and a
 * method fetch normalizes and accepts with that body. Each send is the app's URL and `init`
 * again, with the kit's copy of the headers. Anything else (a `Request`, a relative URL, a
 * stream or form body, another method) is `undefined`: `new Request()` resolves it, checks it
 * and throws what fetch would throw, and `readReplayable` reads it.
 */
export function replayableCall(
  input: RequestInfo | URL,
  init: RequestInit = {},
): ReplayableRequest | undefined {
  const { body = null, method = 'GET' } = init
  if (body !== null && typeof body !== 'string') return undefined
  if (!NORMALIZED.test(method) || (body !== null && BODILESS.test(method))) return undefined
  const url = absolute(input)
  if (url === undefined) return undefined
  const headers = new Headers(init.headers)
  return {
    url,
    method: method.toUpperCase(),
    headers,
    body,
    signal: init.signal ?? null,
    send: (fetchFn: FetchLike, redirect: RequestRedirect = 'manual') =>
      fetchFn(url, { ...init, headers, redirect }),
  }
}

/**
 * `request` (built from the app's `input` and `init`) as a replayable request. A string body is
 * sent again as it is; any other is read once, into memory: a stream can be read only once, and a
 * retry may need it. Beside a string body the app's headers are all the request holds, and
 * quicker to copy.
 */
export async function readReplayable(
  request: Request,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<ReplayableRequest> {
  const given = init?.body
  const text = typeof given === 'string'
  const body = text ? given : request.body && (await request.arrayBuffer())
  return replayable(
    request,
    new Headers((text && init?.headers) || request.headers),
    body,
    text && !(input instanceof Request) ? init : undefined,
  )
}
