import type { AuthorizationServer } from 'oauth4webapi'

/** Validated RFC 9728 protected resource metadata. */
export interface ProtectedResourceMetadata {
  /** The resource identifier, exactly as published: use this string in `resource` parameters. */
  readonly resource: string
  readonly authorization_servers: readonly string[]
  readonly scopes_supported?: readonly string[]
  readonly resource_name?: string
  /** Where the document was found. */
  readonly url: string
}

/** What discovery found for an OAuth-protected server. */
export interface Discovery {
  prm: ProtectedResourceMetadata | undefined
  as: AuthorizationServer
  /** The resource identifier to send: exactly the PRM's `resource`, or the server URI. */
  resource: string
}

/**
 * What one `createMcpAuth()` instance remembers about authorization servers, per issuer: the
 * metadata URL that answered last (tried alone first next time, so a known issuer costs one
 * request instead of one per candidate) and the discovery in flight (servers probed at once
 * that share an issuer share its requests). Only public metadata locations live here.
 */
export interface IssuerHints {
  readonly urls: Map<string, string>
  readonly pending: Map<string, Promise<AuthorizationServer>>
}
