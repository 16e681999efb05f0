import { listen } from './net.mjs'

/** Where pages find the stack's relay, on whichever origin serves it. */
export const RELAY_PATH = '/mcp-relay'

/**
 * @typedef {object} StackRelayOptions
 * @property {string[]} origins  The pages' origins (the relay's own, when pages on it call it).
 * @property {typeof import('@mcp-oauth/core/relay')} [relay]  The relay module; default: the
 *   built package. The playground passes the one it loads from source.
 * @property {(event: import('@mcp-oauth/core/relay').RelayEvent) => void} [onEvent]
 */

/**
 * The stack's relay as a Node listener (and Connect/Express middleware) that answers
 * `/mcp-relay` and hands any other path to `next` (404 without one): every stack server
 * allowed, loopback allowed, and the confidential client's secret held.
 * @param {import('./index.mjs').Stack} stack
 * @param {StackRelayOptions} options
 * @returns {Promise<import('@mcp-oauth/core/relay').NodeRelayHandler>}
 */
export async function stackRelayHandler(stack, options) {
  const module = options.relay ?? (await import('@mcp-oauth/core/relay'))
  const relay = module.createMcpRelay({
    ...stack.relayOptions,
    origins: options.origins,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  })
  const handle = module.toNodeHandler(relay)
  return (req, res, next) => {
    if ((req.url ?? '').split('?')[0] === RELAY_PATH) return handle(req, res, next)
    if (next) return next()
    res.statusCode = 404
    res.end()
  }
}

/**
 * A relay host of its own on 127.0.0.1 and a free port, for pages on other origins (CORS).
 * @param {import('./index.mjs').Stack} stack
 * @param {StackRelayOptions} options
 */
export async function startRelayHost(stack, options) {
  const host = await listen(/** @type {any} */ (await stackRelayHandler(stack, options)))
  return { url: `${host.origin}${RELAY_PATH}`, close: host.close }
}
