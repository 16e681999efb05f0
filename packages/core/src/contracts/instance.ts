import type { McpServerHandle } from './handle.js'

/** The entry point: one instance per app, one handle per MCP server. */
export interface McpAuth {
  /** The handle for a server; the same canonical URL always gives the same handle. */
  server(url: string): McpServerHandle
  /** Handles created so far. */
  servers(): McpServerHandle[]
  /**
   * Creates handles for every server with stored tokens (after a reload, say) and resolves with
   * all handles. Unreadable keys are skipped. With a storage that reads in batches (the default
   * IndexedDB storage, `memoryStorage()`, or one with `entries`), one read loads every server:
   * their first calls read nothing more. It sends no request and loads no other code.
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
  /**
   * Closes the instance's channel to other tabs (one `BroadcastChannel` for all its servers,
   * opened on first use), for an app that drops the instance. Idempotent. Afterwards every
   * handle still works (calls, refresh, authorize, disconnect read and write storage as
   * before) and its writes still reach the other tabs, so a sign-out here signs them out too;
   * but it no longer hears them: a change made in another tab shows here only after a reload,
   * or when a refresh or a write re-reads the store.
   */
  dispose(): void
}
