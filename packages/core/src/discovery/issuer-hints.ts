import type { AuthorizationServer } from 'oauth4webapi'

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

/** An empty {@link IssuerHints}; one per auth instance. */
export const issuerHints = (): IssuerHints => ({ urls: new Map(), pending: new Map() })
