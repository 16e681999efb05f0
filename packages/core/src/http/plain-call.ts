import type { FetchLike, ReplayableRequest } from '../contracts/fetch.js'
import { urlParts } from './urls.js'

// The call nearly every `server.fetch` is: taken as the app gave it, without a `Request`.

/**
 * The methods fetch sends as written: it upper-cases these in any other case (WHATWG Fetch,
 * "normalize a method"), and checks any other.
 */
const AS_WRITTEN = /^(?:DELETE|GET|HEAD|OPTIONS|POST|PUT)$/

/** A header name (RFC 9110 §5.1, a token). */
const NAME = /^[\w!#$%&'*+.^`|~-]+$/

/** A header value fetch takes: bytes, without NUL, CR or LF (WHATWG Fetch, "header value"). */
const VALUE = /^[^\0\n\r\u0100-\uffff]*$/

/**
 * The app's headers as the record fetch takes, names in lower case: no `Headers` to build on
 * every call, and none for fetch to read back through its iterator. Taken from a `Headers` (what
 * the MCP SDK's transport passes) or a plain record (WebIDL `HeadersInit`); `undefined` for any
 * other form (pairs, a `Map`) and for what a record would carry differently: a name twice
 * (which fetch joins), a value that is no string (which it converts), an invalid name or value
 * (which it refuses).
 */
function headerRecord(given: HeadersInit = {}): Record<string, string> | undefined {
  const pairs =
    typeof given !== 'object' || !given
      ? undefined
      : given instanceof Headers
        ? given
        : Symbol.iterator in given
          ? undefined
          : Object.entries(given)
  if (!pairs) return undefined
  const record: Record<string, string> = Object.create(null)
  for (const [name, value] of pairs) {
    const key =
      typeof value === 'string' && NAME.test(name) && VALUE.test(value) && name.toLowerCase()
    if (!key || key in record) return undefined
    record[key] = value
  }
  return record
}

/**
 * `fetch(input, init)` as a replayable request without building a `Request`, where that changes
 * nothing: an absolute URL, no body or a string one (what the MCP SDK's transport sends), and a
 * method fetch sends as written and accepts with that body, and headers a record carries as they
 * are. Each send is the app's URL and `init` again, with the kit's copy of the headers. Anything
 * else (a `Request`, a relative URL, a stream or form body, a method in lower case or another
 * one, headers fetch would combine or refuse) is `undefined`: `new Request()`
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
      fetchFn(url, { ...init, headers: record, redirect }),
  }
}
