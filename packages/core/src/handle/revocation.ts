import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord, TokenRecord } from '../contracts/records.js'
import type { RevocationReport } from '../contracts/snapshot.js'
import type { McpAuthError } from '../errors.js'
import { revokeToken } from '../tokens/revoke.js'
import { traced } from '../tracing.js'

/**
 * Revokes the refresh token, then the access token (RFC 7009 §2), with the client that
 * obtained them. Best effort: resolves with what the AS did with each. A token without an
 * authorization server (typed by the user) cannot be revoked: `unsupported`. A DPoP key is
 * deleted first (RFC 9449: nothing bound to it can be used again); its proofs still sign the
 * revocation requests.
 */
export const revokeTokens = (
  ctx: AuthContext,
  server: string,
  tokens: TokenRecord,
  client: ClientRecord | undefined,
): Promise<RevocationReport> =>
  traced(ctx, server, 'revoke', (fetch) => revoke({ ...ctx, fetch }, tokens, client))

async function revoke(
  ctx: AuthContext,
  tokens: TokenRecord,
  client: ClientRecord | undefined,
): Promise<RevocationReport> {
  // The DPoP module may fail to load (offline): then revoke without proofs.
  const proofs = await ctx
    .dpop(tokens.as, tokens.tokenType)
    ?.then((dpop) => dpop.release(tokens))
    .catch(() => undefined)
  let error: McpAuthError | undefined
  const base =
    tokens.as && client
      ? {
          fetch: ctx.fetch,
          as: tokens.as,
          client,
          proofs,
          onTransportError: (cause: McpAuthError) => {
            error ??= cause
          },
        }
      : undefined
  const refreshToken =
    tokens.refreshToken === undefined
      ? undefined
      : base
        ? await revokeToken({ ...base, token: tokens.refreshToken, hint: 'refresh_token' })
        : 'unsupported'
  const accessToken = base
    ? await revokeToken({ ...base, token: tokens.accessToken, hint: 'access_token' })
    : 'unsupported'
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(accessToken !== 'revoked' && tokens.expiresAt !== undefined
      ? { accessTokenExpiresAt: tokens.expiresAt }
      : {}),
    ...(error ? { error } : {}),
  }
}
