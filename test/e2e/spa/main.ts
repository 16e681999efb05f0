// A single-page app whose every route, the redirect URI included, is this bundle (the dev
// server's fallback). No callback page and no callback code: createMcpAuth() handles it.
import { browserDriver, createMcpAuth } from '@mcp-oauth/core'

const el = (id: string) => document.getElementById(id) as HTMLElement
el('route').textContent = location.pathname

const auth = createMcpAuth({
  redirectUri: `${location.origin}/oauth/callback`,
  client: { name: 'mcp-oauth SPA e2e', uri: location.origin },
  driver: browserDriver({ closedGraceMs: 120_000 }),
})

const serverUrl = localStorage.getItem('server')
if (serverUrl) {
  const server = auth.server(serverUrl)
  server.subscribe((snapshot) => {
    el('status').textContent = snapshot.status
    el('error').textContent = snapshot.error?.code ?? ''
  })
  const show = (action: () => Promise<unknown>) => () => {
    el('result').textContent = 'working'
    action().then(
      (value) => {
        el('result').textContent = `ok ${String(value)}`
      },
      (error: { code?: string; details?: unknown }) => {
        el('result').textContent =
          `failed ${error.code ?? ''} ${JSON.stringify(error.details ?? {})}`
      },
    )
  }
  el('authorize').addEventListener(
    'click',
    show(() => server.authorize().then((s) => s.status)),
  )
  el('authorize-redirect').addEventListener(
    'click',
    show(() => server.authorize({ mode: 'redirect' }).then((s) => s.status)),
  )
  await auth.completeRedirect()
  await server.probe()
}
