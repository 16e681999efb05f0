import { McpAuthError } from '../errors.js'

/** The connect chunk's exports (see `connect.ts`). */
export type Connect = typeof import('./index.js')

let loading: Promise<Connect> | undefined

/**
 * Loads the connect chunk once per page: discovery, registration and the authorization flow.
 * A chunk that failed to load (offline) is a transient failure, tried again on the next use.
 */
export function loadConnect(): Promise<Connect> {
  loading ??= import('./index.js').catch((cause: unknown) => {
    loading = undefined
    throw new McpAuthError('network_error', 'The sign-in module did not load', { cause })
  })
  return loading
}
