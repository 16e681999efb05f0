import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'

// ?server=<url>&theme=light|dark|custom[&strings=fr]
const params = new URLSearchParams(location.search)
document.documentElement.className = params.get('theme') ?? 'light'
setDefaultMcpAuth(
  createMcpAuth({ redirectUri: `${location.origin}/callback`, storage: memoryStorage() }),
)
defineMcpElements()
const server = params.get('server') ?? ''
for (const id of ['authorize', 'card']) {
  const element = document.getElementById(id)!
  if (params.get('strings') === 'fr' && id === 'authorize') {
    ;(element as HTMLElementTagNameMap['mcp-authorize']).strings = {
      needsAuthorization: '{name} demande votre autorisation.',
      signInAt: 'Vous vous connecterez sur {issuer}.',
      authorize: 'Autoriser',
    }
  }
  element.setAttribute('server-url', server)
}
