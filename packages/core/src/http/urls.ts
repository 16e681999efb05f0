import { ConfigurationError } from '../errors.js'

/** Loopback hosts may use plain http for development (RFC 8252 §7.3). */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname)
  )
}

/**
 * Parses `value` and refuses anything but `https:`, or `http:` on a loopback host.
 * Every URL that is fetched or opened passes through here first, so `javascript:`, `data:`,
 * `file:` and friends are rejected before any use (OAuth 2.1 §1.5; MCP security best
 * practices, "Authorization URL validation").
 */
export function assertSecureUrl(value: unknown, what: string): URL {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError('insecure_url', `${what} is missing or not a string`, {
      details: { attribute: what, actual: typeof value },
    })
  }
  let url: URL
  try {
    url = new URL(value)
  } catch (cause) {
    throw new ConfigurationError('insecure_url', `${what} is not an absolute URL: ${value}`, {
      cause,
      details: { attribute: what, actual: value },
    })
  }
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
  if (!ok || url.username || url.password) {
    throw new ConfigurationError(
      'insecure_url',
      `${what} must use https (or http on a loopback host): ${url.protocol}//${url.host}`,
      { details: { attribute: what, actual: url.protocol } },
    )
  }
  return url
}

/**
 * Whether the kit accepts `url` as a server or endpoint address: the rule of
 * `assertSecureUrl()` (`https:`, or `http:` on a loopback host: `localhost`, `127.0.0.0/8`,
 * `[::1]`, RFC 8252 §7.3; no credentials), as a yes or no for a UI that decides before it asks.
 */
export function isSecureUrl(url: string): boolean {
  try {
    assertSecureUrl(url, 'URL')
    return true
  } catch {
    return false
  }
}

/**
 * The canonical resource URI of an MCP server (RFC 8707 §2): absolute, no fragment, and no
 * trailing slash on an empty path (MCP authorization, "Canonical Server URI").
 */
export function canonicalResourceUri(serverUrl: string): string {
  const url = assertSecureUrl(serverUrl, 'MCP server URL')
  url.hash = ''
  const href = url.href
  return url.pathname === '/' && !url.search ? href.slice(0, -1) : href
}

/** Path prefix test on segment boundaries: `/mcp` covers `/mcp` and `/mcp/x`, not `/mcpx`. */
function pathCovers(prefix: string, path: string): boolean {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`
  return path === prefix || path.startsWith(base)
}

/** What the checks of each request read of a URL. */
interface UrlParts {
  readonly href: string
  readonly origin: string
  readonly path: string
}

/** URLs parsed so far, by their string (`null`: not an absolute URL); emptied past 32. */
const parsed = new Map<string, UrlParts | null>()

/**
 * `url` parsed on its own, as an absolute URL (WHATWG URL), or `undefined`. Each string is
 * parsed once: every `server.fetch` checks its URL and its resource's, and parsing them cost
 * more than the rest of the kit's work on a call. Without a base URL, the answer depends on the
 * string alone, so keeping it changes nothing.
 */
export function urlParts(url: string | URL): UrlParts | undefined {
  const key = String(url)
  let parts = parsed.get(key)
  if (parts === undefined) {
    if (parsed.size >= 32) parsed.clear()
    parts = null
    try {
      const { href, origin, pathname } = new URL(key)
      parts = { href, origin, path: pathname }
    } catch {}
    parsed.set(key, parts)
  }
  return parts ?? undefined
}

/**
 * Whether `requestUrl` belongs to the protected resource `resource`: same origin, and a path at
 * or under the resource's path. Bearer tokens are only ever attached to such requests
 * (MCP authorization, "Access Token Privilege Restriction"; RFC 9700 §4.10).
 */
export function isWithinResource(requestUrl: string | URL, resource: string): boolean {
  // The usual call goes to the resource itself.
  if (requestUrl === resource) return !!urlParts(resource)
  const req = urlParts(requestUrl)
  const res = urlParts(resource)
  return !!req && !!res && req.origin === res.origin && pathCovers(res.path, req.path)
}

/** Whether the protected resource metadata `resource` identifies the server at `serverUrl` (RFC 9728 §3.3). */
export function resourceIdentifiesServer(resource: string, serverUrl: string): boolean {
  return isWithinResource(serverUrl, resource)
}

/** Plain http to a loopback host: allowed during development, never elsewhere. */
export function isInsecureLoopback(url: string | URL): boolean {
  const u = new URL(url)
  return u.protocol === 'http:' && isLoopbackHost(u.hostname)
}
