import { compileAllowlist } from './allowlist.js'
import { platformResolver } from './resolve.js'
import type {
  McpRelayOptions,
  RelayConfidentialClient,
  RelayEvent,
  RelayFetch,
  RelayResolver,
} from './types.js'

/** The relay's settings, checked once when it is created. */
export interface RelayConfig {
  allows: (url: URL) => boolean
  origins: ReadonlySet<string>
  allowLoopback: boolean
  clients: ReadonlyArray<readonly [string, RelayConfidentialClient]>
  resolve: RelayResolver
  fetch: RelayFetch
  maxBodyBytes: number
  headersTimeout: number
  report: (event: RelayEvent) => void
}

const fail = (message: string): never => {
  throw new TypeError(`createMcpRelay: ${message}`)
}

const positive = (value: number | undefined, fallback: number, name: string) => {
  if (value === undefined) return fallback
  return Number.isFinite(value) && value > 0 ? value : fail(`${name} must be a positive number.`)
}

/**
 * Checks the options and fills in the defaults. A mistake that would leave the relay open or
 * useless (no allowlist, an origin with a path, a client without a secret) throws here, when
 * the app starts, rather than on some later request.
 */
export function relayConfig(options: McpRelayOptions): RelayConfig {
  const origins = options.origins
  if (!Array.isArray(origins) || origins.length === 0)
    fail('`origins` must list at least one origin.')
  for (const origin of origins) {
    // Only an origin survives the round trip (no path, no trailing slash, not "null").
    if (URL.parse(origin)?.origin !== origin)
      fail(`${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path).`)
  }
  const clients = Object.entries(options.clients ?? {})
  for (const [issuer, client] of clients) {
    if (!URL.parse(issuer)) fail(`the client issuer ${JSON.stringify(issuer)} is not a URL.`)
    if (!client?.clientId || !client.clientSecret)
      fail(`the client for ${issuer} needs a clientId and a clientSecret.`)
  }
  const onEvent = options.onEvent
  return {
    allows: compileAllowlist(options.allow),
    origins: new Set(origins),
    allowLoopback: options.allowLoopback === true,
    clients,
    resolve: options.resolve ?? platformResolver,
    // Called through a closure so that the global is read late and called unbound.
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    maxBodyBytes: positive(options.maxBodyBytes, 1024 * 1024, '`maxBodyBytes`'),
    headersTimeout: positive(options.headersTimeout, 30_000, '`headersTimeout`'),
    report: (event) => {
      try {
        onEvent?.(event)
      } catch {
        // The app's logging never changes what the page gets.
      }
    },
  }
}
