import { readBody } from './body.js'
import { addClientAuthentication } from './confidential.js'
import { type RelayConfig, relayConfig } from './config.js'
import { forwardedRequestHeaders } from './headers.js'
import { issuerDirectory } from './issuer-metadata.js'
import { baseHeaders, checkCaller, preflightResponse } from './origin.js'
import { RelayRefusal, refusalResponse } from './refusal.js'
import { relayResponse } from './respond.js'
import { parseTarget } from './target.js'
import type { McpRelay, McpRelayOptions } from './types.js'
import { sendUpstream } from './upstream.js'
import { METHODS } from './wire.js'

/** What an event may say about a target: its origin and path, never its query. */
const redactTarget = (url: URL | undefined) =>
  url ? { target: `${url.origin}${url.pathname}` } : {}

/**
 * Creates the relay: a Fetch API handler (`(request: Request) => Promise<Response>`) that
 * forwards a page's MCP and OAuth requests to servers a browser cannot reach by itself (no
 * CORS, a confidential client), and nothing else. Mount it at a path of the app, e.g.
 * `/mcp-relay`; it runs wherever the app runs (Node, Deno, Bun, Workers, edge functions).
 *
 * Wire protocol (the page side follows it):
 * - The page sends the request it would have sent to `<relay>?url=<encodeURIComponent(target)>`,
 *   with the same method (GET, POST, DELETE), its protocol headers and body. Only
 *   `authorization`, `dpop`, `content-type`, `accept`, `mcp-protocol-version`,
 *   `mcp-session-id`, `mcp-method`, `mcp-name` and `last-event-id` are forwarded; never cookies.
 * - The answer carries the target's status and streamed body, with only `content-type`,
 *   `cache-control`, `www-authenticate`, `mcp-session-id` and `dpop-nonce`; never `set-cookie`.
 * - A redirect (301, 302, 303, 307, 308) is not followed: the answer is a 204 with
 *   `mcp-relay-redirect: <status>` and `mcp-relay-location: <absolute URL>` (when the target
 *   sent a `Location`), for the kit to apply its own rules to.
 * - A refusal or failure of the relay is a 4xx/5xx with `mcp-relay-error: <reason>` and a JSON
 *   body `{ "error": "relay_refused" | "relay_failed", "reason", "message" }`
 *   ({@link RelayErrorReason}).
 * - A page on another origin gets CORS (preflight included) when its origin is in `origins`,
 *   with the protocol's headers and the relay's own exposed.
 *
 * What it refuses: requests from pages not in `origins` (by `Origin`, or
 * `Sec-Fetch-Site: same-origin` when a browser sends no `Origin`), targets outside `allow`,
 * non-`https:` targets (loopback `http:` only with `allowLoopback`), targets that resolve to a
 * private, loopback, link-local, shared, reserved or cloud-metadata address (checked after
 * resolution on every request, every address), other methods, and bodies over `maxBodyBytes`.
 *
 * For the issuers in `clients`, it learns the token and revocation endpoints from their
 * metadata (RFC 8414) and adds the client's authentication (RFC 6749 §2.3.1) to form POSTs to
 * exactly those endpoints that name that client; the secret never reaches the page.
 *
 * It never logs. `onEvent` receives one redacted fact per request.
 *
 * @example
 * ```ts
 * import { createMcpRelay } from '@mcp-oauth/core/relay'
 *
 * export const relay = createMcpRelay({
 *   allow: ['mcp.example.com', 'auth.example.com'],
 *   origins: ['https://chat.example'],
 * })
 * ```
 * @throws TypeError when the options would leave the relay open or unusable.
 */
export function createMcpRelay(options: McpRelayOptions): McpRelay {
  const config: RelayConfig = relayConfig(options)
  const upstream = {
    resolve: config.resolve,
    fetch: config.fetch,
    allowLoopback: config.allowLoopback,
    headersTimeout: config.headersTimeout,
  }
  const endpointsOf = issuerDirectory((url) =>
    sendUpstream(upstream, url, {
      method: 'GET',
      headers: new Headers({ accept: 'application/json' }),
    }),
  )

  return async (request) => {
    let origin: string | undefined
    let target: URL | undefined
    try {
      origin = checkCaller(request, config.origins)
      if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method'))
        return preflightResponse(origin)
      if (!(METHODS as readonly string[]).includes(request.method)) {
        throw new RelayRefusal('method_not_allowed', 'The relay forwards GET, POST and DELETE.')
      }
      target = parseTarget(request.url, config.allowLoopback)
      if (!config.allows(target)) {
        throw new RelayRefusal(
          'target_not_allowed',
          `${target.host} is not in the relay's allowlist.`,
        )
      }
      const forwarded = {
        method: request.method,
        headers: forwardedRequestHeaders(request.headers),
        body: request.method === 'POST' ? await readBody(request, config.maxBodyBytes) : undefined,
      }
      const clientAuthentication = await addClientAuthentication(
        config.clients,
        endpointsOf,
        target,
        forwarded,
      )
      const answer = await sendUpstream(upstream, target, forwarded, request.signal)
      const response = relayResponse(answer, target, baseHeaders(origin))
      config.report({
        outcome: 'forwarded',
        method: request.method,
        ...redactTarget(target),
        status: response.status,
        upstreamStatus: answer.status,
        ...(clientAuthentication ? { clientAuthentication } : {}),
      })
      return response
    } catch (error) {
      if (!(error instanceof RelayRefusal)) throw error
      config.report({
        outcome: error.outcome,
        method: request.method,
        ...redactTarget(target),
        status: error.status,
        reason: error.reason,
      })
      return refusalResponse(error, baseHeaders(origin))
    }
  }
}
