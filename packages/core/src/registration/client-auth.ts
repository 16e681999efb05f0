import * as oauth from 'oauth4webapi'
import type { ClientRecord } from '../storage/records.js'
import type { TokenEndpointAuthMethod } from '../types.js'

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

/** The oauth4webapi client authentication for a registered client (RFC 6749 §2.3.1). */
export function clientAuthentication(client: ClientRecord): oauth.ClientAuth {
  switch (client.tokenEndpointAuthMethod) {
    case 'client_secret_basic':
      return clientSecretBasic(client.clientSecret ?? '')
    case 'client_secret_post':
      return oauth.ClientSecretPost(client.clientSecret ?? '')
    default:
      return oauth.None()
  }
}

/** `application/x-www-form-urlencoded` encoding of one value (WHATWG URL §5.2). */
const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1)

/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1): the client ID and secret, each
 * form-urlencoded, joined by ":" and base64-encoded. Unreserved characters such as "-" stay as
 * they are; some servers compare the decoded header without undoing the form encoding.
 */
function clientSecretBasic(secret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const credentials = `${formEncode(client.client_id)}:${formEncode(secret)}`
    headers.set('authorization', `Basic ${btoa(credentials)}`)
  }
}
