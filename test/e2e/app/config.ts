import { browserDriver, createMcpAuth, type McpAuth } from '@mcp-oauth/core'

/** The same configuration on the app page and on the callback page. */
export function makeAuth(): McpAuth {
  const params = new URLSearchParams(location.search)
  const grace = params.get('grace')
  const skew = params.get('skew')
  return createMcpAuth({
    redirectUri: `${location.origin}/callback.html`,
    client: { name: 'mcp-oauth e2e', uri: location.origin },
    driver: browserDriver(grace ? { closedGraceMs: Number(grace) } : {}),
    ...(skew ? { refreshSkewSeconds: Number(skew) } : {}),
  })
}
