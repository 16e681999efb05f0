import { type GrantInput, type IssuedTokens, tokenGrant } from './token-endpoint.js'

/**
 * Exchanges an authorization code (OAuth 2.1 §4.1.3) with the PKCE verifier, the registered
 * client authentication, and the same `resource` as the authorization request (RFC 8707 §2.2).
 */
export function exchangeAuthorizationCode(
  input: GrantInput & {
    /** Callback parameters already checked by `checkAuthorizationResponse` (iss, state, error). */
    params: URLSearchParams
    redirectUri: string
    codeVerifier: string
    resource: string
    requestedScopes: readonly string[]
  },
): Promise<IssuedTokens> {
  return tokenGrant(
    input,
    'authorization_code',
    {
      code: input.params.get('code') ?? '',
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
      resource: input.resource,
    },
    input.requestedScopes,
  )
}
