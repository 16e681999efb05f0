import { createMcpAuth } from '@mcp-oauth/core'

/** The app's one instance; the callback page loads it only to finish a full-page redirect. */
export const auth = createMcpAuth({
  redirectUri: `${location.origin}/callback.html`,
  client: { name: 'Solid app', uri: location.origin },
})
