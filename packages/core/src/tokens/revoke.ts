import type { AuthorizationServer } from 'oauth4webapi'
import type { DpopTokenRequest } from '../contracts/dpop.js'
import type { FetchLike } from '../contracts/fetch.js'
import type { ClientRecord } from '../contracts/records.js'
import type { RevocationOutcome } from '../contracts/snapshot.js'
import { ConfigurationError, type McpAuthError } from '../errors.js'
import { postToEndpoint } from '../http/endpoint-request.js'
import { discard } from '../http/fetch-json.js'
import { transportError } from '../http/transport-error.js'
import { withProofs } from './token-endpoint.js'

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
    // Not an unsafe endpoint, refused before anything was sent: why the request did not arrive.
    if (!(cause instanceof ConfigurationError)) {
      input.onTransportError?.(await transportError(input.fetch, endpoint, 'revocation', cause))
    }
    return 'failed'
  }
}
