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
  invalidGrants: number
  registrations: number
  /** Every request to the registration endpoint, whatever the answer. */
  registrationRequests: number
  /** Client ID metadata documents fetched (the `metadataDocument` issuer). */
  documentFetches: number
  revocations: number
  metadata: Record<string, number>
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

export function headlessDriver(options?: {
  deny?: boolean
  user?: string
}): (request: { url: string; redirectUri: string }) => Promise<string>
