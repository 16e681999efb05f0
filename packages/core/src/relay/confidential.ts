import { authenticate, chooseAuthMethod } from './client-auth.js'
import type { IssuerEndpoints } from './issuer-metadata.js'
import type { RelayClientAuthMethod, RelayConfidentialClient } from './types.js'
import type { UpstreamRequest } from './upstream.js'

const isForm = (contentType: string | null) =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded'

/**
 * Adds a confidential client's authentication to a request, if and only if it is a form POST to
 * exactly the token or revocation endpoint of the issuer that client belongs to (as that
 * issuer's own metadata says), and its `client_id` is that client's or absent. Returns the
 * method used, or `undefined` when the request goes as the page sent it.
 *
 * A request that names a configured client while its issuer's metadata cannot be read is
 * refused, so that an authorization code is never sent without the authentication it needs.
 */
export async function addClientAuthentication(
  clients: ReadonlyArray<readonly [string, RelayConfidentialClient]>,
  endpointsOf: (issuer: string) => Promise<IssuerEndpoints>,
  target: URL,
  request: UpstreamRequest,
): Promise<RelayClientAuthMethod | undefined> {
  // Only POSTs carry a body here.
  if (!request.body || !isForm(request.headers.get('content-type'))) return undefined
  const form = new URLSearchParams(new TextDecoder().decode(request.body))
  const ids = form.getAll('client_id')
  for (const [issuer, client] of clients) {
    const named = ids.length === 1 && ids[0] === client.clientId
    if (!named && ids.length > 0) continue
    let endpoints: IssuerEndpoints
    try {
      endpoints = await endpointsOf(issuer)
    } catch (error) {
      if (named) throw error
      continue
    }
    const supported =
      target.href === endpoints.token
        ? endpoints.tokenAuthMethods
        : target.href === endpoints.revocation
          ? endpoints.revocationAuthMethods
          : null
    if (supported === null) continue
    const method = chooseAuthMethod(client, supported)
    authenticate(form, request.headers, client, method)
    request.body = new TextEncoder().encode(form.toString())
    return method
  }
  return undefined
}
