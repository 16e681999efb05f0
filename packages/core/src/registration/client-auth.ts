import type * as oauth from 'oauth4webapi'
import type { TokenEndpointAuthMethod } from '../contracts/client.js'

/**
 * Picks the token endpoint authentication method for a client with (or without) a secret from
 * what the AS advertises (RFC 8414 §2: absent means `client_secret_basic`).
 */
export function chooseAuthMethod(
  as: oauth.AuthorizationServer,
  hasSecret: boolean,
  configured?: TokenEndpointAuthMethod,
): TokenEndpointAuthMethod {
  if (configured) return configured
  if (!hasSecret) return 'none'
  const supported = as.token_endpoint_auth_methods_supported
  if (!supported || supported.includes('client_secret_basic')) return 'client_secret_basic'
  if (supported.includes('client_secret_post')) return 'client_secret_post'
  return 'client_secret_basic'
}
