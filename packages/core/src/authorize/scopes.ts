import { splitScopes } from '../http/www-authenticate.js'

export interface ScopeSources {
  /** Scopes the app asked for explicitly. */
  explicit?: string | undefined
  /** `scope` from the current `WWW-Authenticate` challenge: authoritative for this operation. */
  challenged?: string | undefined
  /** The protected resource's `scopes_supported`. */
  resourceSupported?: readonly string[] | undefined
  /** The authorization server's `scopes_supported`, for `offline_access`. */
  serverSupported?: readonly string[] | undefined
  /** Scopes requested or granted before, kept on step-up (SEP-2350). */
  previous?: readonly string[] | undefined
}

/**
 * Scopes for an authorization request (MCP authorization 2025-11-25, "Scope Selection
 * Strategy"): the explicit scope, else the challenged scope, else every scope in the PRM's
 * `scopes_supported`, else none (the `scope` parameter is then omitted). On step-up the union
 * with previously requested scopes is used (2026-07-28, SEP-2350). `offline_access` is added
 * only when the AS lists it, and only to a non-empty request (SEP-2207).
 */
export function selectScopes(sources: ScopeSources): string[] {
  const base = sources.explicit
    ? splitScopes(sources.explicit)
    : sources.challenged
      ? splitScopes(sources.challenged)
      : [...(sources.resourceSupported ?? [])]
  const scopes = new Set([...(sources.previous ?? []), ...base])
  if (scopes.size > 0 && sources.serverSupported?.includes('offline_access')) {
    scopes.add('offline_access')
  }
  return [...scopes]
}
