import type { AuthorizationServer } from 'oauth4webapi'
import type {
  DpopProofHeaders,
  DpopTokenRequest,
  TokenProofs,
  TokenType,
} from '../contracts/dpop.js'
import type { FetchLike } from '../contracts/fetch.js'
import type { ClientRecord } from '../contracts/records.js'
import type { RevocationOutcome } from '../contracts/snapshot.js'
import { McpAuthError } from '../errors.js'
import { postToEndpoint } from '../http/endpoint-request.js'
import { discard } from '../http/fetch-json.js'
import { transportError } from '../http/transport-error.js'
import { splitScopes } from '../http/www-authenticate.js'
import { processTokenResponse, type TokenResponse } from './token-response.js'

/** What a token response gave us, before it is bound to a resource. */
export interface IssuedTokens {
  accessToken: string
  refreshToken?: string
  expiresAt?: number
  /** Granted scopes; the requested ones when the AS did not say (RFC 6749 §5.1). */
  scopes: string[]
  /** How the access token is presented (RFC 9449 §5). */
  tokenType: TokenType
}

function toIssued(
  response: TokenResponse,
  requestedScopes: readonly string[],
  previousRefreshToken: string | undefined,
  now: number,
  tokenType: TokenType,
): IssuedTokens {
  const refreshToken = response.refresh_token ?? previousRefreshToken
  return {
    tokenType,
    accessToken: response.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(typeof response.expires_in === 'number'
      ? { expiresAt: now + response.expires_in * 1000 }
      : {}),
    scopes: response.scope !== undefined ? splitScopes(response.scope) : [...requestedScopes],
  }
}

/** What every token request needs: where it goes and who asks. */
export interface GrantInput {
  fetch: FetchLike
  as: AuthorizationServer
  client: ClientRecord
  now?: () => number
  /** DPoP proofs (RFC 9449 §5), when the server binds tokens. */
  proofs?: TokenProofs | undefined
}

/** Sends through `proofs` when there are any, else as is. */
const withProofs = (
  proofs: DpopTokenRequest | undefined,
  endpoint: string,
  send: (headers?: DpopProofHeaders) => Promise<Response>,
) => proofs?.(endpoint, send) ?? send()

/**
 * Sends a token request (OAuth 2.1 §3.2.2) and reads its response; transport failures become
 * transient `network_error`s (or `cors_blocked` in a browser).
 */
export async function tokenGrant(
  input: GrantInput,
  grantType: string,
  params: Record<string, string>,
  requestedScopes: readonly string[],
  previousRefreshToken?: string,
): Promise<IssuedTokens> {
  const { as, client } = input
  const endpoint = as.token_endpoint!
  const { proofs } = input
  let response: Response
  try {
    response = await withProofs(proofs?.tokenRequest, endpoint, (headers) =>
      postToEndpoint(
        input.fetch,
        endpoint,
        'token_endpoint',
        { form: { ...params, grant_type: grantType }, client },
        headers,
      ),
    )
  } catch (cause) {
    if (cause instanceof McpAuthError) throw cause
    throw await transportError(input.fetch, endpoint, 'token', cause)
  }
  const body: TokenResponse = await processTokenResponse(response, !!proofs)
  const tokenType = proofs ? proofs.tokenType(body.token_type) : 'Bearer'
  return toIssued(body, requestedScopes, previousRefreshToken, (input.now ?? Date.now)(), tokenType)
}

/**
 * Refreshes an access token (OAuth 2.1 §4.3) with the same `resource` (RFC 8707 §2.2). When the
 * response carries no new refresh token, the previous one is kept (OAuth 2.1 §4.3.3).
 */
export function refreshAccessToken(
  input: GrantInput & { refreshToken: string; resource: string; scopes: readonly string[] },
): Promise<IssuedTokens> {
  return tokenGrant(
    input,
    'refresh_token',
    { refresh_token: input.refreshToken, resource: input.resource },
    input.scopes,
    input.refreshToken,
  )
}

/**
 * Revokes a token (RFC 7009 §2.1). Best effort: the caller clears local state whatever happens,
 * so this resolves to what the AS did: `revoked` (200, §2.2), `unsupported` (no revocation
 * endpoint, or `unsupported_token_type`, §2.2.1) or `failed` (network error or any other answer).
 */
export async function revokeToken(input: {
  fetch: FetchLike
  as: AuthorizationServer
  client: ClientRecord
  token: string
  hint: 'refresh_token' | 'access_token'
  /** DPoP proofs for a bound token (RFC 9449), signed with its key. */
  proofs?: DpopTokenRequest | undefined
  /** Told why a request did not reach the server: `cors_blocked` or `network_error`. */
  onTransportError?: (error: McpAuthError) => void
}): Promise<RevocationOutcome> {
  const endpoint = input.as.revocation_endpoint
  if (!endpoint) return 'unsupported'
  try {
    const response = await withProofs(input.proofs, endpoint, (headers) =>
      postToEndpoint(
        input.fetch,
        endpoint,
        // Stryker disable next-line StringLiteral: a refused revocation endpoint resolves 'failed' without a message
        'revocation_endpoint',
        { form: { token: input.token, token_type_hint: input.hint }, client: input.client },
        headers,
      ),
    )
    // RFC 7009 §2.2: 200 means revoked (or an unknown token); the body is irrelevant.
    if (response.status === 200) {
      discard(response)
      return 'revoked'
    }
    const body: unknown = await response.json().catch(() => undefined)
    const code = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined
    return response.status === 400 && code === 'unsupported_token_type' ? 'unsupported' : 'failed'
  } catch (cause) {
    if (!(cause instanceof McpAuthError)) {
      input.onTransportError?.(await transportError(input.fetch, endpoint, 'revocation', cause))
    }
    return 'failed'
  }
}
