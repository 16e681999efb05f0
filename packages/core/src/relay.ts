/**
 * The relay: the small backend piece that lets the kit reach servers a browser cannot reach by
 * itself (token endpoints without CORS, confidential clients, preflights that refuse the MCP
 * headers). A Fetch API handler for the app's server; it imports no `node:` module at start, so
 * it runs on Node, Deno, Bun, Workers and edge functions.
 *
 * ```ts
 * import { createMcpRelay } from '@mcp-oauth/core/relay'
 *
 * export const relay = createMcpRelay({
 *   allow: ['mcp.example.com', 'auth.example.com'],
 *   origins: ['https://chat.example'],
 * })
 * // mounted at /mcp-relay; in the browser: createMcpAuth({ ..., relay: '/mcp-relay' })
 * ```
 * @module
 */
export { createMcpRelay } from './relay/create-relay.js'
export { nodeFetch } from './relay/node-fetch.js'
export {
  type NodeRelayHandler,
  type NodeRelayRequest,
  type NodeRelayResponse,
  toNodeHandler,
} from './relay/node-handler.js'
export type {
  McpRelay,
  McpRelayOptions,
  RelayClientAuthMethod,
  RelayConfidentialClient,
  RelayErrorReason,
  RelayEvent,
  RelayFetch,
  RelayFetchContext,
  RelayResolver,
} from './relay/types.js'
export {
  ERROR_HEADER,
  EXPOSED_HEADERS,
  LOCATION_HEADER,
  REDIRECT_HEADER,
  REQUEST_HEADERS,
  RESPONSE_HEADERS,
  TARGET_PARAM,
} from './relay/wire.js'
