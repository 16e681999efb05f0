import { createMcpAuth, type McpAuth } from '@mcp-oauth/core'

let auth: McpAuth | undefined

/**
 * The app's one instance, created on first use in the browser only: nothing reads `location`,
 * opens storage or probes while Next renders on the server. On the redirect URI, creating it
 * delivers the authorization response to the window waiting for it.
 */
export function getAuth(): McpAuth {
  if (typeof window === 'undefined') throw new Error('getAuth() runs in the browser only')
  auth ??= createMcpAuth({
    redirectUri: `${location.origin}/oauth/callback`,
    client: { name: 'Next.js app', uri: location.origin },
  })
  return auth
}
