import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { defineMcpFlowTimeline } from '@mcp-oauth/web-components/timeline'
import { auth, loadStack, PRESETS, presetCredential } from '../setup.js'

// The timeline is on the page already: it shows every step of `auth` from here on.
setDefaultMcpAuth(auth)
defineMcpElements()
defineMcpFlowTimeline()

const stack = await loadStack()
const select = document.getElementById('server') as HTMLSelectElement
for (const preset of PRESETS) select.add(new Option(preset.label, stack.servers[preset.key]))

function show(url: string) {
  document.getElementById('authorize')!.setAttribute('server-url', url)
  document.getElementById('card')!.setAttribute('server-url', url)
  showCredential(url)
}

/** The demo token or client ID the selected preset asks for, beside the picker. */
function showCredential(url: string) {
  const line = document.getElementById('preset-credential')!
  const credential = presetCredential(stack, url)
  line.hidden = !credential
  if (!credential) return
  const value = document.createElement('code')
  value.textContent = credential.value
  line.replaceChildren(`${credential.label}: `, value)
}
select.addEventListener('change', () => show(select.value))

/** `tools/list` through the handle's fetch: the bearer goes to this server only. */
document.getElementById('list-tools')!.addEventListener('click', async () => {
  const output = document.getElementById('tools')!
  const server = auth.server(select.value)
  const response = await server.fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  })
  const body = (await response.json().catch(() => ({}))) as {
    result?: { tools: { name: string }[] }
  }
  output.textContent = response.ok
    ? `Tools: ${body.result?.tools.map((tool) => tool.name).join(', ')}`
    : `HTTP ${response.status}`
})
show(select.value)
