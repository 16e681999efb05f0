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
