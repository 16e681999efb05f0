import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { defineMcpFlowTimeline } from '@mcp-oauth/web-components/timeline'
import { makeAuth } from './config.js'

// The page a newcomer writes: one module script, no inline script or style anywhere.
const server = new URLSearchParams(location.search).get('server') ?? ''
const auth = makeAuth()
setDefaultMcpAuth(auth)
Object.assign(window, { mcpAuth: auth })
defineMcpElements()
defineMcpFlowTimeline()
for (const id of ['authorize', 'card'])
  document.getElementById(id)?.setAttribute('server-url', server)

// A card bound to a text input, as apps do: it must not probe while the user types.
const input = document.getElementById('url') as HTMLInputElement
const typed = document.getElementById('typed')!
input.addEventListener('input', () => typed.setAttribute('server-url', input.value))
