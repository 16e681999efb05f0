import { createMcpAuth, type McpAuth } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { browser } from '$app/environment'

let auth: McpAuth | undefined

/**
 * The app's one instance, created on first use in the browser only: nothing reads `location`,
 * opens storage or probes while SvelteKit renders on the server.
 */
export function getAuth(): McpAuth {
  if (!browser) throw new Error('getAuth() runs in the browser only')
  if (!auth) {
    auth = createMcpAuth({
      redirectUri: `${location.origin}/oauth/callback`,
      client: { name: 'SvelteKit app', uri: location.origin },
    })
    setDefaultMcpAuth(auth)
    defineMcpElements()
  }
  return auth
}
