import type { AuthorizeOptions, McpServerSnapshot, PreRegisteredClient } from '@mcp-oauth/core'
import type { McpHookOptions } from './context.js'

export interface UseMcpAuthOptions extends McpHookOptions {
  /** Probe the server on mount (a query, deduplicated and cached). Default true. */
  probe?: boolean
}

/** The actions `useMcpAuth()` returns next to the snapshot. Without a handle they reject. */
export interface McpServerActions {
  /**
   * Starts the authorization. Call it in the click handler: the popup opens synchronously,
   * before this returns. Rejects with an `McpAuthError` (also reported in the snapshot).
   */
  authorize(options?: AuthorizeOptions): Promise<McpServerSnapshot>
  /** Stops an authorization in progress; the status becomes `cancelled`. */
  cancel(): void
  /** Revokes and forgets the tokens of this server. */
  disconnect(): Promise<McpServerSnapshot>
  /**
   * Clears the last error and probes again (through the probe query). A failure of the server
   * does not reject: it is in the snapshot it resolves with, as with `server.retry()`.
   */
  retry(): Promise<McpServerSnapshot>
  /** A client ID (and secret) for `needs-client-id`. */
  submitClientId(credentials: PreRegisteredClient): Promise<McpServerSnapshot>
  /** A static bearer token for `needs-token`. */
  submitToken(token: string): Promise<McpServerSnapshot>
  /** A fresh access token, for code that builds its own request; never kept in React state. */
  getAccessToken(): Promise<string>
  /** `fetch` bound to this server: the bearer goes to this resource only. */
  fetch: typeof fetch
}

export interface UseMcpAuthResult extends McpServerSnapshot, McpServerActions {
  /** Whether an `authorize()` started from this hook is in flight. */
  isAuthorizing: boolean
  /** Whether a `disconnect()` started from this hook is in flight (revocation included). */
  isDisconnecting: boolean
}
