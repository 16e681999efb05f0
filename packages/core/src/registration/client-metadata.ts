import type { McpAuthOptions } from '../contracts/options.js'
import { isLoopbackHost } from '../http/urls.js'

/**
 * The metadata this app presents itself with (RFC 7591 §2), the same in a dynamic
 * registration request and in its client ID metadata document: one redirect URI, the code
 * grant with `refresh_token` (MCP 2026-07-28, SEP-2207), and an `application_type` of `native`
 * for a loopback redirect URI, else `web` (SEP-837; OpenID Connect Registration §2).
 */
export function clientMetadata(redirectUri: string, client: McpAuthOptions['client']) {
  return {
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    application_type: isLoopbackHost(new URL(redirectUri).hostname)
      ? ('native' as const)
      : ('web' as const),
    client_name: client?.name ?? 'MCP client',
    ...(client?.uri ? { client_uri: client.uri } : {}),
    ...(client?.logoUri ? { logo_uri: client.logoUri } : {}),
  }
}
