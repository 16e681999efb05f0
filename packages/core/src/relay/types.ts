/** Client authentication the relay adds for a confidential client (RFC 6749 §2.3.1). */
export type RelayClientAuthMethod = 'client_secret_basic' | 'client_secret_post'

/** A confidential client of one authorization server, whose secret only the relay holds. */
export interface RelayConfidentialClient {
  clientId: string
  clientSecret: string
  /**
   * How to present the secret. Default: what the authorization server's metadata lists in
   * `token_endpoint_auth_methods_supported` (`revocation_endpoint_auth_methods_supported` for
   * revocation): `client_secret_basic` when it is listed or the list is absent (RFC 8414 §2),
   * else `client_secret_post` when listed.
   */
  authMethod?: RelayClientAuthMethod
}

/**
 * What the relay resolves a host name to: every address, IPv4 or IPv6, as text. Called on every
 * request whose target is not an IP literal.
 */
export type RelayResolver = (hostname: string) => Promise<readonly string[]>

/** What the relay tells its `fetch` besides the request: the addresses it checked. */
export interface RelayFetchContext {
  /**
   * The target host's addresses, each checked against the address rules. A fetch that connects
   * only to these (as `nodeFetch` does) leaves no room for DNS rebinding.
   */
  readonly addresses: readonly string[]
}

/**
 * The fetch the relay sends upstream requests with: the Fetch API's `fetch` works as is (it
 * ignores the third argument). `init.redirect` is always `'manual'`.
 */
export type RelayFetch = (
  url: string,
  init: RequestInit,
  context: RelayFetchContext,
) => Promise<Response>

/** Why the relay refused a request (`relay_refused`) or could not complete it (`relay_failed`). */
export type RelayErrorReason =
  /** The request does not come from a page of `origins`, or is not a `fetch()` request. */
  | 'origin_not_allowed'
  /** The target host is not in `allow`. */
  | 'target_not_allowed'
  /** The target is `http:` and not a loopback host allowed by `allowLoopback`. */
  | 'insecure_target'
  /** The target resolves to a private, loopback, link-local, shared or metadata address. */
  | 'private_address'
  /** The `url` parameter is missing, repeated, not an http(s) URL, or carries credentials. */
  | 'invalid_target'
  /** Not GET, POST or DELETE (or an OPTIONS preflight). */
  | 'method_not_allowed'
  /** The request body exceeds `maxBodyBytes`. */
  | 'body_too_large'
  /** The target sent no response headers within `headersTimeout`. */
  | 'timeout'
  /** The target could not be resolved or reached. */
  | 'upstream_unreachable'
  /**
   * A request for a configured confidential client, whose authorization server's metadata the
   * relay could not read: refused rather than sent without its client authentication.
   */
  | 'issuer_metadata_unavailable'
  /** The page went away before the target answered. */
  | 'aborted'

/**
 * One redacted fact about a request the relay handled, for the app's logs. It never carries a
 * header, a body, a query string, a token, a code, a verifier or a secret.
 */
export interface RelayEvent {
  /** `forwarded`: the target answered; `refused` / `failed`: see `reason`. */
  outcome: 'forwarded' | 'refused' | 'failed'
  /** The page's request method. */
  method: string
  /** The target's origin and path, without its query; absent when it could not be parsed. */
  target?: string
  /** The status the relay answered the page with. */
  status: number
  /** The upstream status, for `forwarded`. */
  upstreamStatus?: number
  reason?: RelayErrorReason
  /** The client authentication the relay added, if any. */
  clientAuthentication?: RelayClientAuthMethod
}

/** Options of {@link createMcpRelay}. */
export interface McpRelayOptions {
  /**
   * The targets the relay may reach: host names (`mcp.example.com`, any port), hosts with a port
   * (`127.0.0.1:8443`), `*.example.com` for every subdomain of example.com (not itself), or a
   * function of the target URL. Required: a relay without an allowlist would be an open proxy.
   */
  allow: readonly string[] | ((url: URL) => boolean)
  /**
   * The origins of the pages that may use the relay (`https://chat.example`), the relay's own
   * origin included when pages on it call it. A request whose `Origin` is not listed is refused;
   * a request without `Origin` only with `Sec-Fetch-Site: same-origin`.
   */
  origins: readonly string[]
  /**
   * Lets the relay reach loopback targets (`localhost`, `127.0.0.0/8`, `::1`), over `http:` too.
   * For development and tests only. Default false.
   */
  allowLoopback?: boolean
  /** Confidential clients by exact issuer identifier; their secrets never leave the relay. */
  clients?: Readonly<Record<string, RelayConfidentialClient>>
  /** Resolves host names. Default: the platform resolver (`node:dns` `lookup`, every address). */
  resolve?: RelayResolver
  /** Sends upstream requests. Default: the global `fetch`. On Node, `nodeFetch` pins addresses. */
  fetch?: RelayFetch
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number
  /** Milliseconds until the target's response headers; a stream is never cut after. Default 30 000. */
  headersTimeout?: number
  /** Receives one redacted {@link RelayEvent} per request. Exceptions it throws are ignored. */
  onEvent?: (event: RelayEvent) => void
}

/** The relay: a Fetch API handler, mounted at a path of the app such as `/mcp-relay`. */
export type McpRelay = (request: Request) => Promise<Response>
