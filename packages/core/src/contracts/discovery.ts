import type { AuthorizationServer } from 'oauth4webapi'

/** Validated RFC 9728 protected resource metadata. */
export interface ProtectedResourceMetadata {
  /** The resource identifier, exactly as published: use this string in `resource` parameters. */
  readonly resource: string
  readonly authorization_servers: readonly string[]
  readonly scopes_supported?: readonly string[]
  readonly resource_name?: string
  /** The resource accepts DPoP-bound access tokens only (RFC 9728 §2, RFC 9449 §5.2). */
  readonly dpop_bound_access_tokens_required?: boolean
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
 * validated metadata document (every server of the issuer shares it: one discovery and one
 * copy per issuer) and the discovery in flight (servers probed at once share its requests).
 * Only public metadata lives here.
 */
export interface IssuerHints {
  readonly metadata: Map<string, AuthorizationServer>
  readonly pending: Map<string, Promise<AuthorizationServer>>
}
