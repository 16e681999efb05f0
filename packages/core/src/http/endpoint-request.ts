import type { FetchLike } from '../contracts/fetch.js'
import type { ClientRecord } from '../contracts/records.js'
import { assertSecureUrl } from './urls.js'

/** `application/x-www-form-urlencoded` encoding of one value (WHATWG URL §5.2). */
const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1)

/**
 * Adds a registered client's authentication to a token or revocation request (OAuth 2.1
 * §2.4.1, RFC 6749 §2.3.1): `client_secret_basic` sends the client ID and secret, each
 * form-urlencoded, joined by ":" and base64-encoded, in an HTTP Basic header (unreserved
 * characters such as "-" stay as they are: some servers compare the decoded header without
 * undoing the form encoding); `client_secret_post` puts both in the form body; `none` (a public
 * client) puts only the client ID there.
 */
export function authenticateClient(
  client: Pick<ClientRecord, 'clientId' | 'clientSecret' | 'tokenEndpointAuthMethod'>,
  body: URLSearchParams,
  headers: Headers,
): void {
  const secret = client.clientSecret ?? ''
  if (client.tokenEndpointAuthMethod === 'client_secret_basic') {
    headers.set(
      'authorization',
      `Basic ${btoa(`${formEncode(client.clientId)}:${formEncode(secret)}`)}`,
    )
    return
  }
  body.set('client_id', client.clientId)
  if (client.tokenEndpointAuthMethod === 'client_secret_post') body.set('client_secret', secret)
}

/**
 * POSTs to an authorization server endpoint: a form with the client's authentication (token
 * and revocation requests), or JSON (dynamic registration, RFC 7591 §3.1). The endpoint must be
 * https (http only on loopback); redirects are never followed (OAuth 2.1 §7.5.1: credentials
 * stay with the endpoint the metadata names). `headers` carries extras such as a DPoP proof.
 */
export function postToEndpoint(
  fetchFn: FetchLike,
  endpoint: string,
  name: string,
  payload:
    | { form: Record<string, string>; client: Parameters<typeof authenticateClient>[0] }
    | { json: unknown },
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = assertSecureUrl(endpoint, name).href
  const head = new Headers(headers)
  head.set('accept', 'application/json')
  let body: string | URLSearchParams
  if ('json' in payload) {
    head.set('content-type', 'application/json')
    body = JSON.stringify(payload.json)
  } else {
    body = new URLSearchParams(payload.form)
    authenticateClient(payload.client, body, head)
    head.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
  }
  return fetchFn(url, { method: 'POST', headers: head, body, redirect: 'manual' })
}
