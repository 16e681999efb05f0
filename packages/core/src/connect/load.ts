import { lazily } from './lazily.js'

/** The connect chunk's exports (see `index.ts`). */
export type Connect = typeof import('./index.js')

/** The connect chunk: discovery, registration and the authorization flow. */
export const loadConnect = lazily(() => import('./index.js'), 'sign-in')

/**
 * What finishing a full-page redirect takes first (see `finish-redirect.ts`): a page that comes
 * back from the authorization server loads it alongside the code exchange, not the connect
 * chunk.
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
