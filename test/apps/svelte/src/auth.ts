import { createMcpAuth } from '@mcp-oauth/core'

/** The redirect URI's path: a route of this app, served by the host's SPA fallback. */
export const CALLBACK_PATH = '/oauth/callback'

/**
 * The app's one instance. Created on every page, the redirect URI included: there, creating it
 * hands the authorization response to the window that opened the popup.
 */
export const auth = createMcpAuth({
  redirectUri: `${location.origin}${CALLBACK_PATH}`,
  client: { name: 'Svelte app', uri: location.origin },
})
