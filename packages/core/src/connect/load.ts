import { McpAuthError } from '../errors.js'

/** The connect chunk's exports (see `index.ts`). */
export type Connect = typeof import('./index.js')

/**
 * A chunk loaded once per page by `load`. One that failed to load (offline) is a transient
 * failure, tried again on the next use.
 */
function lazily<T>(load: () => Promise<T>, what: string): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () => {
    loading ??= load().catch((cause: unknown) => {
      loading = undefined
      throw new McpAuthError('network_error', `The ${what} module did not load`, { cause })
    })
    return loading
  }
}

/** The connect chunk: discovery, registration and the authorization flow. */
export const loadConnect = lazily(() => import('./index.js'), 'sign-in')

/**
 * What finishing a full-page redirect takes first (see `finish-redirect.ts`): a page that comes
 * back from the authorization server loads it alongside the connect chunk.
 */
export const loadRedirect = lazily(() => import('./finish-redirect.js'), 'sign-in')

/** A client ID or a token the user types, for servers that offer no registration or no OAuth. */
export const loadCredentials = lazily(() => import('./credentials.js'), 'sign-in')

/**
 * The unauthenticated request that finds out whether a server needs authorization: only a
 * server without stored tokens is probed, so a page whose servers are all signed in never
 * loads it.
 */
export const loadProbe = lazily(() => import('../discovery/probe.js'), 'sign-in')

/**
 * Dynamic client registration (RFC 7591): only an authorization server with no client for this
 * app yet needs it, once.
 */
export const loadRegistration = lazily(() => import('../registration/register.js'), 'sign-in')

/**
 * Finishing an authorization from its callback: the response checks and the code exchange.
 * Loaded while the user is at the authorization server.
 */
export const loadExchange = lazily(() => import('./exchange-callback.js'), 'sign-in')

/**
 * Refresh (OAuth 2.1 §4.3): loaded at the first refresh, so a page whose tokens are still fresh
 * never loads the token endpoint's code.
 */
export const loadRefresh = lazily(() => import('../tokens/token-endpoint.js'), 'token request')
