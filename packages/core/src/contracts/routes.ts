import type { DpopMode } from './dpop.js'

// Which way each request goes: straight to its server, or through the app's relay
// (`@mcp-oauth/core/relay`), for the servers a browser cannot reach by itself.

/**
 * The relay an app deployed (`createMcpRelay()` from `@mcp-oauth/core/relay`), as
 * `createMcpAuth({ relay })` takes it: its URL (`'/mcp-relay'`, resolved against the page), or
 * the URL and the hosts that always go through it.
 */
export type RelayOption =
  | string
  | {
      /** The relay's URL, absolute or relative to the page. */
      url: string
      /**
       * Hosts whose every request goes through the relay, without trying them first: a host
       * name (`auth.example.com`, any port) or a host with its port (`127.0.0.1:8443`).
       */
      hosts?: readonly string[]
    }

/** The way one request goes. */
export type Route = 'direct' | 'relay'

/**
 * The routes of one authorization, decided before its authorization URL is built and kept with
 * its pending flow and then its tokens, so that the code exchange, every refresh and the
 * revocation go the same way after a reload: a one-time credential is sent only once its route
 * is known.
 */
export interface TokenRoute {
  /** How the token and revocation requests reach the authorization server. */
  readonly token: Route
  /** How requests to the protected resource go. */
  readonly resource: Route
  /**
   * The DPoP mode of these tokens (RFC 9449): `off` when they are bearer tokens, `required`
   * when a bearer token must be refused (the app's mode, or the resource's
   * `dpop_bound_access_tokens_required`).
   */
  readonly dpop: DpopMode
}

/** The relay of one `createMcpAuth()` instance, and where it has learned to use it. */
export interface Routes {
  readonly relay: RelayOption
  /**
   * Origins that go through the relay (learned from a harmless request the browser could not
   * make: a metadata GET, the probe, a route check), and the exact token and revocation
   * endpoints stored tokens were obtained through it.
   */
  readonly learned: Set<string>
}
