import type { FetchLike, ReplayableRequest } from '../contracts/fetch.js'
import { urlParts } from './urls.js'

// The call nearly every `server.fetch` is: taken as the app gave it, without a `Request`.

/**
 * The methods fetch sends as written: it upper-cases these in any other case (WHATWG Fetch,
 * "normalize a method"), and checks any other.
 */
const AS_WRITTEN = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'])

/**
 * The app's headers as the record fetch takes, names in lower case: no `Headers` to build on
 * every call, and none for fetch to read back through its iterator. Taken from a `Headers` (what
 * the MCP SDK's transport passes) or a plain record (WebIDL `HeadersInit`): fetch then reads the
 * names and values as it would have read the app's own. `undefined` for any other form (pairs,
 * a `Map`) and for what a record would carry differently: a name twice (which fetch joins) and
 * a value that is no string (which it converts on every send). A name or value fetch refuses
 * is refused by that fetch, before anything is sent, and `server.fetch` rejects with its error.
 */
function headerRecord(given: HeadersInit = {}): Record<string, string> | undefined {
  if (typeof given !== 'object' || !given) return undefined
  const record: Record<string, string> = Object.create(null)
  if (given instanceof Headers) {
    // Already checked and joined: names in lower case, each once.
    given.forEach((value, name) => {
      record[name] = value
    })
    return record
  }
  if (Symbol.iterator in given) return undefined
  for (const name of Object.keys(given)) {
    const value = (given as Record<string, unknown>)[name]
    const key = name.toLowerCase()
    if (typeof value !== 'string' || key in record) return undefined
    record[key] = value as string
  }
  return record
}

/**
 * `fetch(input, init)` as a replayable request without building a `Request`, where that changes
 * nothing: an absolute URL, no body or a string one (what the MCP SDK's transport sends), and a
 * method fetch sends as written and accepts with that body, and headers a record carries as they
 * are. Each send is the app's URL and `init` again, with the kit's copy of the headers, so
 * fetch checks them as it checks the app's own. Anything else (a `Request`, a relative URL, a
 * stream or form body, a method in lower case or another one, headers fetch would join or
 * convert) is `undefined`: `new Request()` resolves it, checks it and throws what fetch would
 * throw, and `readReplayable` (`./replayable-request.ts`, loaded then) reads it. Nothing here
 * builds a `Headers`, runs a pattern or parses a URL on a usual call: on a page that waits for
 * the network between calls, each of those costs microseconds before the request leaves.
 */
export function replayableCall(
  input: RequestInfo | URL,
  init: RequestInit = {},
): ReplayableRequest | undefined {
  const { body = null, method = 'GET' } = init
  if (body !== null && typeof body !== 'string') return undefined
  // The `Request` constructor refuses a body with GET or HEAD.
  if (!AS_WRITTEN.has(method) || (body !== null && (method === 'GET' || method === 'HEAD')))
    return undefined
  // A relative URL is none, and neither is a `Request` (its string is no URL).
  const url = urlParts(input as string | URL)?.href
  if (!url) return undefined
  const record = headerRecord(init.headers)
  if (!record) return undefined
  return {
    url,
    method,
    headers: {
      has: (name) => name in record,
      set: (name, value) => {
        record[name] = value
      },
      forEach: (callback) => {
        for (const name in record) callback(record[name]!, name)
      },
    },
    body,
    signal: init.signal ?? null,
    send: (fetchFn: FetchLike, redirect: RequestRedirect = 'manual') =>
      fetchFn(url, { ...init, headers: { ...record }, redirect }),
  }
}
