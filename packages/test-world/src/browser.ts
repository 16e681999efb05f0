import { HttpResponse, http } from 'msw'
import { vi } from 'vitest'

/**
 * What a server answers a page on another origin (WHATWG Fetch, "CORS protocol"): `'none'`
 * sends no CORS header at all; `'down'` answers nothing (offline, DNS); otherwise the page's origin is allowed, with the request headers
 * its preflight allows (`'*'` for any) and the response headers it exposes.
 */
export type CorsPolicy =
  | 'none'
  | 'down'
  | { allowHeaders: readonly string[] | '*'; expose?: readonly string[] }

/** One request the page's code asked the browser for, and what the browser did with it. */
export interface PageRequest {
  method: string
  url: string
  headers: Headers
  /** Whether it reached the server: a preflight CORS refuses keeps it in the browser. */
  sent: boolean
  /** The browser read the answer to the page: `false` when CORS hid it. */
  readable: boolean
}

/** Response headers a page always reads (Fetch, "CORS-safelisted response-header name"). */
const SAFELISTED_RESPONSE = [
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]

/** Whether a request needs a preflight: a method or a header the page may not send freely. */
function preflighted(request: Request): string[] | undefined {
  const names: string[] = []
  for (const [name, value] of request.headers) {
    if (/^(accept|accept-language|content-language)$/.test(name)) continue
    const simpleType = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/
    if (name === 'content-type' && simpleType.test(value)) continue
    names.push(name)
  }
  const simpleMethod = /^(GET|HEAD|POST)$/.test(request.method)
  return names.length || !simpleMethod ? names : undefined
}

/**
 * Plays a browser page at `origin` for the code under test: `document` and `location` exist,
 * and `fetch` applies CORS to cross-origin requests as a browser does, by each URL's `policy`.
 * A request that needs a preflight the policy refuses never reaches the server; a simple one
 * (a form POST) does, and fails only because the page may not read the answer. A `no-cors`
 * request gets an opaque answer from a host that is up. Every request is logged.
 *
 * Call it after the msw server listens; `vi.unstubAllGlobals()` ends it.
 */
export function browserPage(origin: string, policy: (url: URL) => CorsPolicy) {
  const network = globalThis.fetch
  const requests: PageRequest[] = []
  // A document without cookies (msw reads them for requests to the page's own origin).
  vi.stubGlobal('document', { cookie: '' })
  vi.stubGlobal('location', { origin, href: `${origin}/` })
  const pageFetch: typeof fetch = async (input, init) => {
    const request =
      input instanceof Request
        ? new Request(input, init)
        : new Request(new URL(String(input), `${origin}/`), init)
    const url = new URL(request.url)
    const log: PageRequest = {
      method: request.method,
      url: url.href,
      headers: new Headers(request.headers),
      sent: false,
      readable: false,
    }
    requests.push(log)
    const cors = url.origin === origin ? undefined : policy(url)
    if (cors === 'down') throw new TypeError('Failed to fetch')
    // A host that is up answers a no-cors request: an opaque response, read by nobody.
    if (init?.mode === 'no-cors') {
      return Object.defineProperty(new Response(null), 'type', { value: 'opaque' })
    }
    if (!cors) {
      log.sent = log.readable = true
      return network(request)
    }
    const preflight = preflighted(request)
    if (preflight) {
      const allowed =
        cors !== 'none' &&
        (cors.allowHeaders === '*' || preflight.every((name) => cors.allowHeaders.includes(name)))
      if (!allowed) throw new TypeError('Failed to fetch')
    }
    const manual = request.redirect === 'manual'
    const response = await network(request.clone(), {
      redirect: manual ? 'manual' : request.redirect,
    })
    log.sent = true
    if (cors === 'none') {
      response.body?.cancel().catch(() => {})
      throw new TypeError('Failed to fetch')
    }
    if (manual && response.status >= 300 && response.status < 400) {
      response.body?.cancel().catch(() => {})
      return Object.defineProperties(new Response(null), {
        type: { value: 'opaqueredirect' },
        status: { value: 0 },
      })
    }
    log.readable = true
    const exposed = new Set([
      ...SAFELISTED_RESPONSE,
      ...(cors.expose ?? []).map((h) => h.toLowerCase()),
    ])
    const headers = new Headers()
    for (const [name, value] of response.headers) if (exposed.has(name)) headers.set(name, value)
    return new Response(response.body, { status: response.status, headers })
  }
  vi.stubGlobal('fetch', pageFetch)
  return {
    requests,
    /** The requests to URLs that start with `prefix` which reached their server. */
    sent: (prefix: string, method?: string) =>
      requests.filter(
        (r) => r.sent && r.url.startsWith(prefix) && (!method || r.method === method),
      ),
    /** The fetch of the network itself, which no CORS applies to (for a relay). */
    network,
  }
}

/** One request the relay forwarded. */
export interface RelayedRequest {
  method: string
  target: string
  headers: Headers
  body: string
  /** The client authentication the relay added, if any. */
  authenticated?: 'client_secret_basic'
}

/** Request headers a relay forwards; every other one stays behind. */
const FORWARDED = [
  'authorization',
  'dpop',
  'content-type',
  'accept',
  'mcp-protocol-version',
  'mcp-session-id',
  'mcp-method',
  'mcp-name',
  'last-event-id',
]
const ANSWERED = [
  'content-type',
  'cache-control',
  'www-authenticate',
  'mcp-session-id',
  'dpop-nonce',
]

const refusal = (status: number, reason: string, message: string) =>
  HttpResponse.json(
    { error: status < 500 ? 'relay_refused' : 'relay_failed', reason, message },
    { status, headers: { 'mcp-relay-error': reason } },
  )

/**
 * A relay at `url` speaking the wire protocol of `@mcp-oauth/core/relay`: the target in
 * `?url=`, the protocol's request headers and body forwarded with `fetchFn` (the network, never
 * the page's fetch), the target's status, body and protocol headers back, a redirect handed back
 * as a 204 with `mcp-relay-redirect` and `mcp-relay-location`, and its own refusals as
 * `mcp-relay-error` with a JSON body. `allow` lists the target hosts; `clients` holds secrets by
 * token and revocation endpoint origin (HTTP Basic, for the client the form names).
 */
export function fakeRelay(
  url: string,
  fetchFn: typeof fetch,
  options: {
    allow: (target: URL) => boolean
    clients?: Record<string, { clientId: string; clientSecret: string }>
  },
) {
  const relayed: RelayedRequest[] = []
  const handler = http.all(url, async ({ request }) => {
    const raw = new URL(request.url).searchParams.get('url')
    const target = raw ? URL.parse(raw) : null
    if (!target) return refusal(400, 'invalid_target', 'The url parameter is not a URL.')
    if (!options.allow(target)) {
      return refusal(403, 'target_not_allowed', `${target.host} is not in the relay's allowlist.`)
    }
    const headers = new Headers()
    for (const name of FORWARDED) {
      const value = request.headers.get(name)
      if (value !== null) headers.set(name, value)
    }
    let body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text()
    const seen: RelayedRequest = { method: request.method, target: target.href, headers, body }
    const client = options.clients?.[target.origin]
    const form = new URLSearchParams(body)
    if (
      client &&
      request.method === 'POST' &&
      /\/(token|revoke)$/.test(target.pathname) &&
      form.get('client_id') === client.clientId
    ) {
      form.delete('client_id')
      body = form.toString()
      headers.set('authorization', `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`)
      seen.authenticated = 'client_secret_basic'
    }
    relayed.push(seen)
    let answer: Response
    try {
      answer = await fetchFn(target, {
        method: request.method,
        headers,
        ...(body ? { body } : {}),
        redirect: 'manual',
      })
    } catch {
      return refusal(502, 'upstream_unreachable', `${target.host} could not be reached.`)
    }
    const out = new Headers()
    if (answer.status >= 300 && answer.status < 400) {
      answer.body?.cancel().catch(() => {})
      out.set('mcp-relay-redirect', String(answer.status))
      const location = answer.headers.get('location')
      if (location) out.set('mcp-relay-location', new URL(location, target).href)
      return new HttpResponse(null, { status: 204, headers: out })
    }
    for (const name of ANSWERED) {
      const value = answer.headers.get(name)
      if (value !== null) out.set(name, value)
    }
    return new HttpResponse(answer.body, { status: answer.status, headers: out })
  })
  return { handler, relayed }
}
