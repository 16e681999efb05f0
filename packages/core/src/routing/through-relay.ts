import type { Routes } from '../contracts/routes.js'

/**
 * Whether requests to `url` go through the relay: its host is listed in the relay option's
 * `hosts`, or its origin was learned (a harmless request refused by CORS, or stored tokens
 * obtained through the relay).
 */
export function throughRelay(routes: Routes | undefined, url: string | URL): boolean {
  if (!routes) return false
  const { origin, host, hostname } = new URL(url)
  // Stryker disable next-line StringLiteral,ArrayDeclaration: a relay given by its URL alone has no `hosts` either way, and no URL's host is a phrase with spaces
  const hosts = typeof routes.relay === 'string' ? [] : (routes.relay.hosts ?? [])
  return routes.learned.has(origin) || hosts.some((h) => h === host || h === hostname)
}
