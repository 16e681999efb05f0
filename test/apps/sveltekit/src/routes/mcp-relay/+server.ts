import { createMcpRelay, type McpRelay, nodeFetch } from '@mcp-oauth/core/relay'
import type { RequestHandler } from '@sveltejs/kit'
import { env } from '$env/dynamic/private'

let relay: McpRelay | undefined

/**
 * The relay for this app's pages, at /mcp-relay. Its allowlist comes from the environment (the
 * demo stack's hosts in the tests); `ORIGIN` is the app's own origin (adapter-node).
 */
function getRelay(): McpRelay {
  relay ??= createMcpRelay({
    allow: (env.RELAY_ALLOW ?? '').split(',').filter(Boolean),
    origins: [env.ORIGIN ?? 'http://127.0.0.1'],
    allowLoopback: env.RELAY_ALLOW_LOOPBACK === 'true',
    fetch: nodeFetch,
  })
  return relay
}

export const GET: RequestHandler = ({ request }) => getRelay()(request)
export const POST: RequestHandler = ({ request }) => getRelay()(request)
export const DELETE: RequestHandler = ({ request }) => getRelay()(request)
export const OPTIONS: RequestHandler = ({ request }) => getRelay()(request)
