// Solid with Vite. The elements' JSX typings come from `@mcp-oauth/web-components/solid`; the
// redirect URI is a static callback.html page.
import './zod-jitless.js'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import type {} from '@mcp-oauth/web-components/solid'
import { render } from 'solid-js/web'
import { App } from './App.jsx'
import { auth } from './auth.js'

setDefaultMcpAuth(auth)
defineMcpElements()
render(
  () => <App serverUrl={new URLSearchParams(location.search).get('server')} />,
  document.getElementById('root') as HTMLElement,
)
