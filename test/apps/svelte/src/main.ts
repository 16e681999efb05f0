// Svelte 5 with plain Vite: no SvelteKit, no server rendering. The redirect URI is a route of
// this app; on it the page shows one line and never mounts the app, which would otherwise run
// in the popup (and probe servers there) until the popup closes.
import './zod-jitless.js'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { mount } from 'svelte'
import App from './App.svelte'
import { auth, CALLBACK_PATH } from './auth.js'

const target = document.getElementById('app') as HTMLElement
if (location.pathname === CALLBACK_PATH) {
  target.textContent = 'Finishing sign-in…'
} else {
  setDefaultMcpAuth(auth)
  defineMcpElements()
  mount(App, { target, props: { serverUrl: new URLSearchParams(location.search).get('server') } })
}
