import { TokenError } from '../errors.js'
import { isPresentableToken } from './token-syntax.js'

/**
 * The longest `expires_in` taken at its word: ten years, in seconds. A longer one (`1e308`, say)
 * is treated as absent, so the token is used until its resource refuses it and then refreshed,
 * instead of holding an expiry of `Infinity`.
 */
export const MAX_EXPIRES_IN = 315_576_000

/** The fields of a successful token response this kit uses (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in?: number
  refresh_token?: string
  scope?: string
}

/**
 * Validates a token endpoint response (RFC 6749 §5.1, §5.2; OAuth 2.1 §3.2.3, §3.2.4).
 * The kit requests no `openid` scope, so there is no ID Token to validate and oauth4webapi's
 * OpenID machinery is left out of the bundle. Errors carry the OAuth `error` code.
 */
export async function processTokenResponse(
  response: Response,
  /** Whether the request carried a DPoP proof: only then may `token_type` be `DPoP` (RFC 9449 §5). */
  proofSent = false,
): Promise<TokenResponse> {
  let body: Record<string, unknown> | undefined
  try {
    const json: unknown = await response.json()
    if (json && typeof json === 'object' && !Array.isArray(json))
      body = json as Record<string, unknown>
  } catch {
    // not JSON: no body
  }
  if (response.status !== 200) {
    const error = typeof body?.error === 'string' ? body.error : undefined
    throw new TokenError(
      error === 'invalid_grant'
        ? 'invalid_grant'
        : response.status >= 500
          ? 'server_error'
          : 'token_request_failed',
      `The token endpoint answered HTTP ${response.status}${error ? ` (${error})` : ''}`,
      { details: { status: response.status, ...(error ? { error } : {}) } },
    )
  }
  const invalid = (attribute: string) =>
    new TokenError('token_request_failed', `The token response has an invalid "${attribute}"`, {
      details: { attribute },
    })
  if (!body) throw invalid('body')
  const { access_token, token_type, expires_in, refresh_token, scope } = body
  if (typeof access_token !== 'string' || !access_token) throw invalid('access_token')
  if (!isPresentableToken(access_token)) {
    throw new TokenError(
      'token_request_failed',
      'The token response has an access_token that cannot be sent in an Authorization header (RFC 6750 §2.1)',
      { details: { attribute: 'access_token' } },
    )
  }
  if (
    typeof token_type !== 'string' ||
    !(proofSent ? /^(bearer|dpop)$/i : /^bearer$/i).test(token_type)
  ) {
    throw invalid('token_type')
  }
  const expires =
    typeof expires_in === 'string' && /^\d+$/.test(expires_in) ? Number(expires_in) : expires_in
  if (expires !== undefined && (typeof expires !== 'number' || !(expires >= 0))) {
    throw invalid('expires_in')
  }
  // A lifetime beyond any real token's says nothing usable: absent, as RFC 6749 §5.1 allows.
  const lifetime = expires !== undefined && expires <= MAX_EXPIRES_IN ? expires : undefined
  if (refresh_token !== undefined && (typeof refresh_token !== 'string' || !refresh_token)) {
    throw invalid('refresh_token')
  }
  if (scope !== undefined && typeof scope !== 'string') throw invalid('scope')
  return {
    access_token,
    token_type,
    ...(lifetime !== undefined ? { expires_in: lifetime } : {}),
    ...(refresh_token ? { refresh_token } : {}),
    ...(scope !== undefined ? { scope } : {}),
  }
}
