/**
 * The target allowlist: host names (any port), hosts with a port, `*.example.com` for every
 * subdomain of example.com, or the app's own function. Entries are checked when the relay is
 * created, so that a URL given where a host belongs fails at start rather than never matching.
 */
export function compileAllowlist(
  allow: readonly string[] | ((url: URL) => boolean),
): (url: URL) => boolean {
  if (typeof allow === 'function') return (url) => allow(new URL(url.href)) === true
  if (!Array.isArray(allow) || allow.length === 0) {
    throw new TypeError('createMcpRelay: `allow` must list at least one target host.')
  }
  const matchers = allow.map(hostMatcher)
  return (url) => matchers.some((matches) => matches(url))
}

/** Port of a URL, the scheme's default included (`https://a.example` is on 443). */
const portOf = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80')

function hostMatcher(entry: string): (url: URL) => boolean {
  const wildcard = typeof entry === 'string' && entry.startsWith('*.')
  const parsed =
    typeof entry === 'string' ? URL.parse(`https://${wildcard ? entry.slice(2) : entry}`) : null
  // Only a host survives the round trip: no scheme, path, query, fragment or credentials.
  if (parsed?.href !== `https://${parsed?.host}/` || parsed.hostname.includes('*')) {
    throw new TypeError(
      `createMcpRelay: allow entry ${JSON.stringify(entry)} is not a host (mcp.example.com, host:port or *.example.com).`,
    )
  }
  const { hostname } = parsed
  const port = /:\d+$/.test(entry) ? portOf(parsed) : undefined
  return (url) =>
    (wildcard ? url.hostname.endsWith(`.${hostname}`) : url.hostname === hostname) &&
    (port === undefined || portOf(url) === port)
}
