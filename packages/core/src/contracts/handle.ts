import type { AuthorizeOptions } from './authorize.js'
import type { PreRegisteredClient } from './client.js'
import type { McpServerSnapshot } from './snapshot.js'

/**
 * The handle for one MCP server (one canonical resource URI). It is the observable the bindings
 * read, and it runs each protocol step in order: probe, discovery, registration, authorization,
 * token exchange, refresh, and revocation. Every method is bound: `{ fetch: server.fetch }` and
 * `onclick = server.authorize` work.
 */
export interface McpServerHandle {
  /** The canonical resource URI of the server, as given to `auth.server()`. */
  readonly url: string

  /** Listens to snapshot changes; calls `listener` at once (Svelte store contract). */
  subscribe: (listener: (snapshot: McpServerSnapshot) => void) => () => void

  /** The current snapshot. Stable between changes, so it suits `useSyncExternalStore`. */
  getSnapshot: () => McpServerSnapshot

  /** @internal Called by the auth instance when a stored record is unreadable. */
  reportCorrupt: (key: string) => void

  /**
   * Finds out what the server needs, without user interaction: stored tokens → `authorized`;
   * otherwise an unauthenticated request (MCP authorization, "Authorization Server
   * Discovery"), then discovery and client resolution → `open`, `needs-authorization`,
   * `needs-client-id`, `needs-token` or `error`.
   *
   * Never rejects: a protocol, network or server failure is state, not an exception. The
   * snapshot it resolves with has `status: 'error'` and the typed failure in `error` (a
   * transient one with stored tokens keeps `authorized`), the way a query library keeps a
   * failed query's error in its state. So `void server.probe()` is safe anywhere.
   */
  probe: () => Promise<McpServerSnapshot>

  /**
   * Supplies a client ID (and optional secret) for the discovered authorization server when it
   * offers no registration (`needs-client-id`). An empty or blank ID is refused.
   */
  submitClientId: (credentials: PreRegisteredClient) => Promise<McpServerSnapshot>

  /** Stores a static bearer token for a token-only server (`needs-token`). */
  submitToken: (token: string) => Promise<McpServerSnapshot>

  /**
   * Runs the authorization code flow with PKCE (OAuth 2.1 §4.1) through the driver. In a browser
   * call it inside the user's click: the driver opens its window before the first `await`.
   * Resolves with the `authorized` snapshot; rejects with a typed error (and reports it in the
   * snapshot) when the user cancels or denies, or anything fails.
   */
  authorize: (options?: AuthorizeOptions) => Promise<McpServerSnapshot>

  /**
   * Finishes a flow from its callback URL: consumes the pending record for the response's
   * `state` (so a callback works once), checks `iss`, `state` and `error` in that order, then
   * exchanges the code. `expectedState` pins the flow this call is waiting for.
   * @internal Used by the popup listener and `completeRedirect()`.
   */
  completeCallback: (callbackUrl: string, expectedState?: string) => Promise<McpServerSnapshot>

  /** Stops a flow in progress; the snapshot becomes `cancelled`. */
  cancel: () => void

  /**
   * A valid access token for this server, refreshed just in time (`refreshSkewSeconds` before
   * expiry). Concurrent callers share one refresh; across tabs a Web Lock serialises refreshes
   * and the store is re-read under the lock, since another tab may have refreshed already.
   */
  getAccessToken: () => Promise<string>

  /**
   * `fetch` for this server. The bearer token goes only to URLs of this resource (same origin,
   * path at or under it); a request whose `Authorization` header the app set passes untouched.
   * A 401 `invalid_token` gets one refresh and one retry; any other 401 means
   * `needs-authorization`. A 403 `insufficient_scope` means `needs-step-up` with the union of
   * the granted and challenged scopes (MCP authorization, "Scope Challenge Handling").
   */
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

  /**
   * Clears the tokens, then revokes the refresh token and the access token (RFC 7009 §2) when
   * the AS has a revocation endpoint, whatever it answers. An AS that answered
   * `unsupported_token_type` for an access token (§2.2.1) is not asked again for 30 days.
   * When the storage refuses the clear, the status is `disconnected` with a `storage_failed`
   * error: signed out in this page and revoked, but not saved, so another tab or a reload may
   * still find the tokens; calling `disconnect()` again tries the clear again.
   */
  disconnect: () => Promise<McpServerSnapshot>

  /**
   * Clears the last error and probes again. Like `probe()`, never rejects: the snapshot it
   * resolves with carries any failure.
   */
  retry: () => Promise<McpServerSnapshot>
}
