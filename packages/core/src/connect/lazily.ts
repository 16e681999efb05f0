import { McpAuthError } from '../errors.js'

/**
 * A chunk loaded once per page by `load`: one module, shared by every caller. One that failed to load (offline) is a transient
 * failure, tried again on the next use.
 */
export function lazily<T>(load: () => Promise<T>, what: string): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () => {
    loading ??= load().catch((cause: unknown) => {
      loading = undefined
      throw new McpAuthError('network_error', `The ${what} module did not load`, { cause })
    })
    return loading
  }
}
