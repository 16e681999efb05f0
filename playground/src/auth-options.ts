import type { McpAuthOptions } from '@mcp-oauth/core'

/**
 * The options of the playground's instance at `origin`: the pages pass them to
 * `createMcpAuth()`, and the dev server builds the client ID metadata document from them
 * (`clientMetadataDocument()`), so the two never disagree. The stack's relay answers at
 * `/mcp-relay` on the same origin, for the servers a browser cannot reach by itself.
 */
export function authOptions(
  origin: string,
): Pick<McpAuthOptions, 'redirectUri' | 'client' | 'relay'> {
  return {
    redirectUri: `${origin}/oauth/callback`,
    client: {
      name: 'mcp-oauth playground',
      uri: origin,
      metadataUrl: `${origin}/oauth/client.json`,
    },
    relay: '/mcp-relay',
  }
}
