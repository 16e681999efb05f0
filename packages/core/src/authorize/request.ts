import * as oauth from 'oauth4webapi'
import { type ClientRecord, type PendingRecord, RECORD_VERSION } from '../contracts/records.js'
import { assertSecureUrl } from '../http/urls.js'

/** How long a pending flow may wait for its callback. */
export const PENDING_TTL_MS = 10 * 60 * 1000

export interface AuthorizationRequest {
  url: string
  pending: PendingRecord
}

/**
 * Builds the authorization URL (OAuth 2.1 §4.1.1): PKCE S256 (RFC 7636), a fresh `state`, and
 * the `resource` parameter with the exact resource identifier (RFC 8707 §2), plus `scope` when
 * there is one, and `dpop_jkt` when the code will be exchanged with DPoP proofs of that key
 * (RFC 9449 §10: the code is then bound to the key). The endpoint must be https (http on loopback): any other scheme, `javascript:`
 * included, is refused before anything is opened. The pending record holds the verifier and
 * the recorded issuer for this one flow (MCP 2026-07-28, SEP-2468).
 */
export async function createAuthorizationRequest(input: {
  as: oauth.AuthorizationServer
  client: ClientRecord
  redirectUri: string
  resource: string
  scopes: string[]
  returnTo?: string | undefined
  /** The JWK thumbprint of the DPoP key the code exchange will prove (RFC 9449 §10). */
  dpopJkt?: string | undefined
  now?: number
}): Promise<AuthorizationRequest> {
  const url = assertSecureUrl(input.as.authorization_endpoint, 'authorization_endpoint')
  const codeVerifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const challenge = await oauth.calculatePKCECodeChallenge(codeVerifier)
  const params = url.searchParams
  params.set('response_type', 'code')
  params.set('client_id', input.client.clientId)
  params.set('redirect_uri', input.redirectUri)
  params.set('code_challenge', challenge)
  params.set('code_challenge_method', 'S256')
  params.set('state', state)
  params.set('resource', input.resource)
  if (input.scopes.length > 0) params.set('scope', input.scopes.join(' '))
  if (input.dpopJkt) params.set('dpop_jkt', input.dpopJkt)
  const now = input.now ?? Date.now()
  return {
    url: url.href,
    pending: {
      v: RECORD_VERSION,
      state,
      codeVerifier,
      issuer: input.as.issuer,
      resource: input.resource,
      redirectUri: input.redirectUri,
      clientId: input.client.clientId,
      scopes: input.scopes,
      as: input.as,
      client: input.client,
      expiresAt: now + PENDING_TTL_MS,
      ...(input.returnTo ? { returnTo: input.returnTo } : {}),
    },
  }
}
