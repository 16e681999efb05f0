/** Client authentication at the token endpoint (RFC 6749 §2.3, OAuth 2.1 §2.4). */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

/** Credentials an app registered ahead of time with one authorization server. */
export interface PreRegisteredClient {
  clientId: string
  clientSecret?: string
  /** Defaults to what the AS advertises: `client_secret_basic` when a secret is given, else `none`. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod
  /**
   * The client's secret is held by the app's relay (`createMcpRelay({ clients })`), never by the
   * page: token and revocation requests go through the relay, which adds the client
   * authentication. Needs the `relay` option; give no `clientSecret`.
   */
  secretAtRelay?: boolean
}

/** How the client identity for an issuer was obtained. */
export type RegistrationKind = 'pre-registered' | 'metadata-document' | 'dynamic' | 'manual'
