import { McpAuthError } from '../errors.js'

/** The connect chunk's exports (see `connect.ts`). */
export type Connect = typeof import('./index.js')

/**
 * Loads a chunk of the core once per page, the first time it is needed. A chunk that failed to
 * load (offline) is a transient failure, tried again on the next use.
 */
function onDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((cause: unknown) => {
      loading = undefined
      throw new McpAuthError('network_error', 'The sign-in module did not load', { cause })
    }))
}

/** Discovery, registration and the authorization flow. */
export const loadConnect = onDemand(() => import('./index.js'))

/** A client ID or a token the user types, for servers that offer no registration or no OAuth. */
export const loadCredentials = onDemand(() => import('./credentials.js'))
