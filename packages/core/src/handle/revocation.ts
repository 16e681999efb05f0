import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord, TokenRecord } from '../contracts/records.js'
import type { RevocationOutcome, RevocationReport } from '../contracts/snapshot.js'
import type { McpAuthError } from '../errors.js'
import { revokeToken } from '../tokens/revoke.js'
import { traced } from '../tracing.js'
import { refusesAccessTokenRevocation, rememberAccessTokenRefusal } from './revocation-memory.js'

/**
 * Revokes the refresh token, then the access token (RFC 7009 §2), with the client that
 * obtained them. Best effort: resolves with what the AS did with each. A token without an
 * authorization server (typed by the user) cannot be revoked: `unsupported`. A DPoP key is
 * deleted first (RFC 9449: nothing bound to it can be used again); its proofs still sign the
 * revocation requests. A module of its own, loaded the first time tokens are revoked.
 *
 * An authorization server that answered `unsupported_token_type` for an access token (RFC 7009
 * §2.2.1: it does not revoke that token type) is not asked again for a while: the outcome is
 * `unsupported` with the token's expiry, exactly what asking would have reported, without the
 * `400` the browser logs as an error. Skipping the access token whenever the refresh token was
 * revoked (§2.1: the server SHOULD then invalidate the grant's access tokens) would be shorter
 * but could claim too much: a server that cannot revoke access tokens, as with self-contained
 * JWTs, leaves them working until they expire, and the report must say so.
 */
export const revokeTokens = (
  ctx: AuthContext,
  server: string,
  tokens: TokenRecord,
  client: ClientRecord | undefined,
  as: AuthorizationServer | undefined,
): Promise<RevocationReport> =>
  traced(ctx, server, 'revoke', (fetch) => revoke({ ...ctx, fetch }, tokens, client, as))

async function revoke(
  ctx: AuthContext,
  tokens: TokenRecord,
  client: ClientRecord | undefined,
  as: AuthorizationServer | undefined,
): Promise<RevocationReport> {
  // The DPoP module may fail to load (offline): then revoke without proofs.
  const proofs = await ctx
    .dpop(as, tokens.tokenType)
    ?.then((dpop) => dpop.release(tokens))
    .catch(() => undefined)
  let error: McpAuthError | undefined
  const base =
    as && client
      ? {
          fetch: ctx.fetch,
          as,
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
  const accessToken = base ? await revokeAccessToken(ctx, base, tokens.accessToken) : 'unsupported'
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(accessToken !== 'revoked' && tokens.expiresAt !== undefined
      ? { accessTokenExpiresAt: tokens.expiresAt }
      : {}),
    ...(error ? { error } : {}),
  }
}

/** The access token's revocation, unless its server is known to refuse it (RFC 7009 §2.2.1). */
async function revokeAccessToken(
  ctx: AuthContext,
  base: Omit<Parameters<typeof revokeToken>[0], 'token' | 'hint'>,
  token: string,
): Promise<RevocationOutcome> {
  // Without an endpoint nothing is sent, and nothing is learnt.
  if (!base.as.revocation_endpoint) return 'unsupported'
  const now = Date.now()
  if (await refusesAccessTokenRevocation(ctx.storage, base.as.issuer, now)) return 'unsupported'
  const outcome = await revokeToken({ ...base, token, hint: 'access_token' })
  if (outcome === 'unsupported') await rememberAccessTokenRefusal(ctx.storage, base.as.issuer, now)
  return outcome
}
