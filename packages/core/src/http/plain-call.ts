import type { FetchLike, ReplayableRequest } from '../contracts/fetch.js'

// The call nearly every `server.fetch` is: taken as the app gave it, without a `Request`.

/**
 * The methods fetch sends as written: it upper-cases these in any other case (WHATWG Fetch,
 * "normalize a method"), and checks any other.
 */
const AS_WRITTEN = /^(?:DELETE|GET|HEAD|OPTIONS|POST|PUT)$/

/**
 * `fetch(input, init)` as a replayable request without building a `Request`, where that changes
 * nothing: an absolute URL, no body or a string one (what the MCP SDK's transport sends), and a
 * method fetch sends as written and accepts with that body. Each send is the app's URL and `init`
 * again, with the kit's copy of the headers. Anything else (a `Request`, a relative URL, a
 * stream or form body, a method in lower case or another one) is `undefined`: `new Request()`
 * resolves it, checks it and throws what fetch would throw, and `readReplayable`
 * (`./replayable-request.ts`, loaded then) reads it.
 */
export function replayableCall(
  input: RequestInfo | URL,
  init: RequestInit = {},
): ReplayableRequest | undefined {
  const { body = null, method = 'GET' } = init
  if (body !== null && typeof body !== 'string') return undefined
  // The `Request` constructor refuses a body with these.
  if (!AS_WRITTEN.test(method) || (body !== null && (method === 'GET' || method === 'HEAD')))
    return undefined
  let url: string
  try {
    // A relative URL throws, and so does a `Request` (its string is no URL).
    url = new URL(input as string | URL).href
  } catch {
    return undefined
  }
  const headers = new Headers(init.headers)
  return {
    url,
    method,
    headers,
    body,
    signal: init.signal ?? null,
    send: (fetchFn: FetchLike, redirect: RequestRedirect = 'manual') =>
      fetchFn(url, { ...init, headers, redirect }),
  }
}
