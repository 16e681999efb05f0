import { createMcpAuth } from '@mcp-oauth/core'

/** The same options on the app page and on the callback page. */
export const makeAuth = () =>
  createMcpAuth({
    redirectUri: `${location.origin}/callback.html`,
    client: { name: 'React 19 app', uri: location.origin },
  })
