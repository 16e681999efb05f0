export interface StackOptions {
  /** Redirect URIs of the pre-registered client on the second issuer. */
  redirectUris?: string[]
  /** Access token lifetime in seconds. Default 300. */
  accessTokenTtl?: number
  /** Skip the login and consent pages. */
  autoConsent?: boolean
  /**
   * Listen on consecutive ports from this one, in the order the servers start (the main
   * authorization server first), so that URLs stay the same from run to run. Default: free ports.
   */
  basePort?: number
}

/** The endpoints whose CORS headers `setCors` switches. */
export type CorsEndpoint =
  | 'resource-metadata'
  | 'authorization-server-metadata'
  | 'registration'
  | 'token'
  | 'mcp'

export interface StackStats {
  grants: { authorization_code: number; refresh_token: number }
  /** Every token request that reached the server, whatever it answered, by grant type. */
  tokenRequests: { authorization_code: number; refresh_token: number; other: number }
  invalidGrants: number
  registrations: number
  /** Every request to the registration endpoint, whatever the answer. */
  registrationRequests: number
  /** Client ID metadata documents fetched (the `metadataDocument` issuer). */
  documentFetches: number
  revocations: number
  /** Token and revocation requests by the client authentication they carried. */
  clientAuthentications: { client_secret_basic: number; client_secret_post: number }
  metadata: Record<string, number>
}

/** A confidential client of the `confidentialIssuer`, as the relay's `clients` option takes it. */
export interface StackConfidentialClient {
  clientId: string
  clientSecret: string
  authMethod: 'client_secret_basic' | 'client_secret_post'
}

export interface Stack {
  /** The main authorization server: dynamic registration, PKCE, JWT access tokens. */
  issuer: string
  /** An authorization server without registration and one pre-registered client. */
  secondIssuer: string
  /**
   * Authorization servers that refuse dynamic registration (RFC 7591 §3.2.2), each with the
   * pre-registered client too: `registrationRefused` answers 403 unless `client_name` is
   * "Approved MCP client"; `loopbackOnly` answers 400 `invalid_redirect_uri` unless every
   * redirect URI is on `http://localhost`. `metadataDocument` has no registration endpoint and
   * takes client ID metadata documents served on loopback.
   */
  issuers: { registrationRefused: string; loopbackOnly: string; metadataDocument: string }
  /**
   * An authorization server like the main one whose token endpoint sends no CORS headers (on
   * the request or its preflight); metadata, registration and revocation do.
   */
  tokenWithoutCorsIssuer: string
  /**
   * An authorization server like GitHub's: no registration, only the pre-registered
   * `confidentialClients` (with secrets), and no CORS headers on any endpoint.
   */
  confidentialIssuer: string
  /** Its two clients: one authenticates with HTTP Basic, the other in the form. */
  confidentialClients: { basic: StackConfidentialClient; post: StackConfidentialClient }
  /**
   * What a relay for this stack needs (`createMcpRelay({ ...stack.relayOptions, origins })`):
   * every stack host allowed, loopback allowed, the Basic confidential client's secret held.
   */
  relayOptions: {
    allow: string[]
    allowLoopback: true
    clients: Record<string, StackConfidentialClient>
  }
  servers: {
    oauth: string
    stepUp: string
    open: string
    token: string
    hiddenChallenge: string
    noRegistration: string
    /** Its authorization server refuses to register apps not on its owner's list (403). */
    registrationRefused: string
    /** Its authorization server registers only `http://localhost` redirect URIs. */
    loopbackOnly: string
    /** Its authorization server takes client ID metadata documents, and no registration. */
    metadataDocument: string
    /** Accepts only DPoP-bound tokens (RFC 9449) of its own issuer, which requires nonces. */
    dpop: string
    /** OAuth with `tokenWithoutCorsIssuer`: a browser needs the relay for the token requests. */
    tokenWithoutCors: string
    /** OAuth with `confidentialIssuer`: the relay must add the client secret. */
    confidential: string
    /**
     * OAuth with the main issuer; an authorized POST must carry `Mcp-Method` / `Mcp-Name`
     * (MCP 2026-07-28, SEP-2243; else 400 with JSON-RPC error -32001), which its CORS preflight
     * does not allow: a browser reaches its tools only through the relay.
     */
    standardHeaders: string
    /**
     * Takes bearer tokens of an issuer that advertises DPoP (ES256) but whose CORS allows only
     * Authorization and Content-Type (a better-auth 1.7 deployment): no DPoP header from a page.
     */
    dpopHeaderRefused: string
  }
  /** The bearer token the `token` server accepts. */
  staticToken: string
  /** The client every typed-client-ID server knows (`secondIssuer` and the refusing ones). */
  preRegisteredClient: { issuer: string; clientId: string }
  stats(): StackStats
  secondStats(): StackStats
  /** The counters of one of `issuers`. */
  statsOf(issuer: string): StackStats
  /** The DPoP issuer's counters, and what the `dpop` server accepted and refused. */
  dpopStats(): StackStats & {
    resource: { accepted: number; nonceChallenges: number; refused: number }
  }
  tokenWithoutCorsStats(): StackStats
  confidentialStats(): StackStats
  /** Authorized POSTs the `standardHeaders` server accepted, and refused for their headers. */
  standardHeadersStats(): { accepted: number; refused: number }
  /** The issuer of `servers.dpopHeaderRefused`. */
  dpopHeaderRefusedIssuer: string
  dpopHeaderRefusedStats(): StackStats
  /** Sends `Cross-Origin-Opener-Policy: same-origin` on the authorization servers' pages. */
  setCoop(on: boolean): void
  /**
   * Switches the CORS headers of one kind of endpoint, on every server of the stack, on (the
   * default) or off: off, it answers (and its preflight too) without any `Access-Control-*`
   * header, like a server without CORS support.
   */
  setCors(endpoint: CorsEndpoint, on: boolean): void
  close(): Promise<void>
}

export function startStack(options?: StackOptions): Promise<Stack>

/** The `Mcp-Method` / `Mcp-Name` headers a JSON-RPC message calls for (SEP-2243). */
export function standardHeaders(message: unknown): { 'mcp-method'?: string; 'mcp-name'?: string }

/** A fetch that adds those headers to JSON-RPC POSTs, as a 2026-07-28 client does. */
export function withStandardHeaders(inner: typeof fetch): typeof fetch

/** Where pages find the stack's relay: `/mcp-relay`. */
export const RELAY_PATH: '/mcp-relay'

export interface StackRelayOptions {
  /** The pages' origins (the relay's own too, when pages on it call it). */
  origins: string[]
  /** The relay module; default: the built `@mcp-oauth/core/relay`. */
  relay?: typeof import('@mcp-oauth/core/relay')
  onEvent?: (event: import('@mcp-oauth/core/relay').RelayEvent) => void
}

/**
 * The stack's relay as a Node listener and Connect/Express middleware answering `/mcp-relay`
 * (other paths go to `next`, else 404), for a page server on 127.0.0.1.
 */
export function stackRelayHandler(
  stack: Stack,
  options: StackRelayOptions,
): Promise<import('@mcp-oauth/core/relay').NodeRelayHandler>

/** A relay host of its own on 127.0.0.1 and a free port; `url` ends in `/mcp-relay`. */
export function startRelayHost(
  stack: Stack,
  options: StackRelayOptions,
): Promise<{ url: string; close(): Promise<void> }>

export function headlessDriver(options?: {
  deny?: boolean
  user?: string
}): (request: { url: string; redirectUri: string }) => Promise<string>
