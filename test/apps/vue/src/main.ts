// Vite + Vue 3 with the custom elements. The redirect URI is an app route served by the SPA
// fallback: createMcpAuth() on that route hands the response to the waiting window.
import './zod-jitless.js'
import { createMcpAuth } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { createApp } from 'vue'
import App from './App.vue'

const auth = createMcpAuth({
  redirectUri: `${location.origin}/oauth/callback`,
  client: { name: 'Vue app', uri: location.origin },
})
setDefaultMcpAuth(auth)
defineMcpElements()

createApp(App, { auth, serverUrl: new URLSearchParams(location.search).get('server') }).mount(
  '#app',
)
