import type { ClientRecord, TokenRecord } from '../storage/records.js'
import { revokeToken } from '../tokens/token-endpoint.js'
import type { AuthContext } from './context.js'

/**
 * Revokes the refresh token, then the access token (RFC 7009 §2), with the client that
 * obtained them. Best effort: resolves with whether the AS confirmed each one.
 */
export async function revokeTokens(
  ctx: AuthContext,
  tokens: TokenRecord,
  client: ClientRecord,
): Promise<{ accessToken: boolean; refreshToken?: boolean }> {
  if (!tokens.as) return { accessToken: false }
  const base = { fetch: ctx.fetch, as: tokens.as, client }
  const refreshToken = tokens.refreshToken
    ? await revokeToken({ ...base, token: tokens.refreshToken, hint: 'refresh_token' })
    : undefined
  const accessToken = await revokeToken({
    ...base,
    token: tokens.accessToken,
    hint: 'access_token',
  })
  return { accessToken, ...(refreshToken === undefined ? {} : { refreshToken }) }
}
