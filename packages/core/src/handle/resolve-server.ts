import type { McpServerHandle } from '../contracts/handle.js'
import type { McpServerSnapshot } from '../contracts/snapshot.js'
import { ConfigurationError, McpAuthError } from '../errors.js'
import { initialSnapshot } from './snapshot.js'

/** What a UI has for a server URL: the handle, or why there is none. */
export interface ResolvedServer {
  /** The handle `auth.server()` gave; none for no URL, or a URL it refused. */
  readonly handle: McpServerHandle | undefined
  /**
   * What to show until the handle is read (server rendering, hydration), or instead of one:
   * `unknown`, or `error` with the reason the URL was refused.
   */
  readonly initial: McpServerSnapshot
  /** Why there is no handle, for an action asked of it: no URL yet, or the URL refused. */
  readonly reason: McpAuthError | undefined
}

/**
 * The handle for `serverUrl`, or why there is none, for a UI that renders before it reads a
 * handle or without one: an empty URL is no server yet (`unknown`), and a URL `auth.server()`
 * refuses (say, `http:` on a remote host: `insecure_url`) is an `error` snapshot, never a throw.
 */
export function resolveServer(
  auth: { server(url: string): McpServerHandle },
  serverUrl: string | undefined,
): ResolvedServer {
  if (!serverUrl) {
    const reason = new ConfigurationError('invalid_configuration', 'No MCP server URL was given')
    return { handle: undefined, initial: initialSnapshot(''), reason }
  }
  try {
    const handle = auth.server(serverUrl)
    const initial = initialSnapshot(handle.url, { storage: handle.getSnapshot().storage })
    return { handle, initial, reason: undefined }
  } catch (thrown) {
    const reason =
      thrown instanceof McpAuthError
        ? thrown
        : new ConfigurationError('invalid_configuration', String(thrown), { cause: thrown })
    return { handle: undefined, initial: initialSnapshot(serverUrl, { error: reason }), reason }
  }
}
