import type { McpServerHandle } from './handle.js'

/** The entry point: one instance per app, one handle per MCP server. */
export interface McpAuth {
  /** The handle for a server; the same canonical URL always gives the same handle. */
  server(url: string): McpServerHandle
  /** Handles created so far. */
  servers(): McpServerHandle[]
  /**
   * Creates handles for every server with stored tokens (after a reload, say) and resolves with
   * all handles. Unreadable keys are skipped.
   */
  restore(): Promise<McpServerHandle[]>
  /** Calls `listener` whenever a handle is created; returns the unsubscribe function. */
  onServersChange(listener: () => void): () => void
  /**
   * Finishes an authorization that came back to this page (full-page redirect): when the URL
   * carries a callback for a flow this app started, exchanges the code, strips the parameters
   * and resolves with the server handle and where to return. Resolves `undefined` otherwise.
   */
  completeRedirect(
    url?: string,
  ): Promise<{ server: McpServerHandle; returnTo?: string } | undefined>
}
