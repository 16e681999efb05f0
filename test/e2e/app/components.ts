import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { makeAuth } from './config.js'

// One module script: the page-wide auth, the elements, and the server from the query.
const server = new URLSearchParams(location.search).get('server') ?? ''
const auth = makeAuth()
setDefaultMcpAuth(auth)
// For the tests: the same instance the elements use, to call a tool.
Object.assign(window, { mcpAuth: auth })
defineMcpElements()
for (const id of ['authorize', 'card']) {
  const element = document.getElementById(id)!
  element.setAttribute('server-url', server)
  const name = new URLSearchParams(location.search).get('name')
  if (name) element.setAttribute('server-name', name)
}
