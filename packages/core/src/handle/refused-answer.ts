import type { ReplayableRequest } from '../contracts/fetch.js'
import type { McpServerStatus, Patch } from '../contracts/snapshot.js'
import { TokenError } from '../errors.js'
import { splitScopes, tokenChallenge } from '../http/www-authenticate.js'
import type { DiscoveryCache } from './discovery-cache.js'
import type { StepUp } from './step-up.js'
import type { TokenSession } from './token-session.js'

// What a refusal of the resource changes: a chunk of its own, loaded with the first 401 or 403
// a call gets. Most pages never load it.

/** What a refusal changes of its handle (`ResourceFetchHost` is one). */
export interface RefusedHost {
  readonly url: string
  readonly session: TokenSession
  readonly discovery: DiscoveryCache
  stepUp(make?: () => StepUp): StepUp | undefined
  update(status: McpServerStatus, patch?: Patch): void
}

/**
 * The token to retry a call with, which was refused with a 401 although it carried `token`
 * from an authorization server: refreshed once when the challenge says the token is invalid or
 * says nothing (RFC 6750 §3.1, `invalid_token`); `undefined` for any other challenge, or when
 * the refresh fails. `scheme` is how the token was presented (`bearer` or `dpop`), whose
 * challenge is read.
 */
export async function retryToken(
  session: TokenSession,
  response: Response,
  token: string,
  scheme: string,
): Promise<string | undefined> {
  const challenge = tokenChallenge(response.headers.get('www-authenticate'), scheme)
  if (challenge && challenge.params.error !== 'invalid_token') return undefined
  return session.refresh(token, challenge ? 'invalid_token' : 'unauthorized').catch(() => undefined)
}

/**
 * Updates the status from a 401 or 403 of the resource. A 401 means `needs-authorization`
 * (`needs-token` for a server that takes a token and no OAuth), unless it still asks for a
 * DPoP nonce (RFC 9449 §9). A 403 `insufficient_scope` means `needs-step-up` with the union of
 * the granted and challenged scopes, counted against its operation (MCP authorization, "Scope
 * Challenge Handling"; `budget` is loaded with the 403).
 */
export function observeRefusal(
  host: RefusedHost,
  response: Response,
  request: ReplayableRequest,
  scheme: string,
  budget: typeof import('./step-up.js') | undefined,
): void {
  const challenge = tokenChallenge(response.headers.get('www-authenticate'), scheme)
  // Still asking for a nonce after the one retry (RFC 9449 §9): the tokens are not at fault.
  if (challenge?.params.error === 'use_dpop_nonce') return
  if (response.status === 401) {
    const tokens = host.session.tokens
    const tokenOnly = tokens ? !tokens.issuer : host.discovery.tokenOnly
    if (tokenOnly && !challenge?.params.resource_metadata) {
      // A token-only server asks for a token, never for OAuth: for another one if it refused
      // the one it was given.
      host.update(
        'needs-token',
        tokens
          ? { error: new TokenError('invalid_token', `${host.url} refused the token it was given`) }
          : {},
      )
      return
    }
    host.discovery.refused(challenge)
    host.update('needs-authorization')
    return
  }
  if (response.status === 403 && challenge?.params.error === 'insufficient_scope') {
    const granted = host.session.tokens?.scopes ?? []
    const { operationKey, StepUp } = budget!
    // Made here if this is the first refusal, so always there.
    // Stryker disable next-line OptionalChaining: given a maker, stepUp() always returns one
    host
      .stepUp(() => new StepUp())
      ?.refused(operationKey(request), [
        ...new Set([...granted, ...splitScopes(challenge.params.scope)]),
      ])
    host.update('needs-step-up')
  }
}
