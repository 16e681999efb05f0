import type { RelayClientAuthMethod, RelayConfidentialClient } from './types.js'

/**
 * `application/x-www-form-urlencoded` encoding of a client ID or secret before it goes into
 * HTTP Basic credentials (RFC 6749 §2.3.1, Appendix B): every byte but letters and digits as
 * %XX, a space as `+`. A secret with `:` or `%` in it then reaches the server intact.
 */
export function formUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*~._-]|%20/g, (match) =>
    match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/**
 * The method for one endpoint: the client's own, else what the server lists for the endpoint
 * (absent means `client_secret_basic`, RFC 8414 §2), preferring Basic as RFC 6749 §2.3.1 does.
 */
export function chooseAuthMethod(
  client: RelayConfidentialClient,
  supported: readonly unknown[] | undefined,
): RelayClientAuthMethod {
  if (client.authMethod) return client.authMethod
  if (!supported || supported.includes('client_secret_basic')) return 'client_secret_basic'
  return supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic'
}

/**
 * Authenticates a token or revocation request as the client: the secret in an
 * `Authorization: Basic` header, or `client_id` and `client_secret` in the form. Whatever the
 * page sent in their place goes first, so that the request carries one authentication only.
 */
export function authenticate(
  form: URLSearchParams,
  headers: Headers,
  client: RelayConfidentialClient,
  method: RelayClientAuthMethod,
): void {
  headers.delete('authorization')
  form.delete('client_secret')
  if (method === 'client_secret_basic') {
    const credentials = `${formUrlEncode(client.clientId)}:${formUrlEncode(client.clientSecret)}`
    headers.set('authorization', `Basic ${btoa(credentials)}`)
  } else {
    form.set('client_id', client.clientId)
    form.set('client_secret', client.clientSecret)
  }
}
