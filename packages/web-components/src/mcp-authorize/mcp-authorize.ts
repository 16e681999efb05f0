import { button, type Child, h, setAttr, swap } from '../host/dom.js'
import { format } from '../host/format.js'
import { lazy } from '../host/lazy.js'
import { McpElement } from '../server-element/mcp-element.js'

/** The client ID and token forms, loaded the first time one is needed: most servers need neither. */
const forms = lazy(() => import('./forms.js'))

/**
 * `<mcp-authorize server-url="…">`: the authorize step for one MCP server. One view per status
 * of the core: checking, authorization needed (with the authorization server named), waiting
 * with Cancel and Open again, a client ID form, a masked token form, step-up, denied or
 * cancelled, errors with Retry, and done.
 *
 * Built once: the live region (`part="status"`) stays and its text changes when the status
 * does; the controls below it are swapped only when the view changes, and focus follows.
 *
 * @tagname mcp-authorize
 *
 * @attr {string} server-url - The MCP server's URL.
 * @attr {string} server-name - Display name; defaults to the metadata's resource_name, then the host.
 * @attr {string} scope - Space-separated scopes to request instead of the automatic selection.
 * @attr {'popup' | 'redirect'} mode - How the authorization window opens. Default popup, with a redirect fallback.
 * @attr {'auto' | 'manual'} probe - `auto` (default) probes once `server-url` has settled for 400 ms and is a valid https (or loopback http) URL; `manual` leaves probing to the app.
 * @attr {McpServerStatus} status - Reflected, read-only: the server's status, for styling with `:host([status=…])`.
 *
 * @fires {CustomEvent<McpServerSnapshot>} mcp-status-change - The snapshot, on every status change.
 * @fires {CustomEvent<McpServerSnapshot>} mcp-authorized - The user just authorized: an authorization finished, or a typed token was accepted. Not fired for a session found in storage, nor after a refresh.
 * @fires {CustomEvent<McpServerSnapshot>} mcp-restored - The server turned out to be authorized without that: tokens found in storage, or stored by another tab.
 * @fires {CustomEvent<McpErrorDetail>} mcp-error - `{ code, message }`: a stable code and the element's own message, never the server's.
 * @fires {CustomEvent<McpServerSnapshot>} mcp-authorize-request - Cancelable; dispatched in the click before the authorization starts.
 *
 * @csspart container - The outer box.
 * @csspart status - The live region with the message; also `error` in the error status.
 * @csspart error - The error message, or a form's inline message.
 * @csspart error-details - The disclosure with the developer text of a CORS error.
 * @csspart message - The status message.
 * @csspart hint - Where the user will sign in.
 * @csspart spinner - The progress indicator.
 * @csspart actions - The buttons.
 * @csspart button - Every button.
 * @csspart primary - The main action.
 * @csspart form - The client ID or token form.
 * @csspart label - A form field's label.
 * @csspart input - A form field.
 *
 * @cssprop --mcp-accent - Accent: primary buttons, focus rings.
 * @cssprop --mcp-bg - Background.
 * @cssprop --mcp-fg - Text.
 * @cssprop --mcp-muted - Secondary text.
 * @cssprop --mcp-border - Borders.
 * @cssprop --mcp-danger - Errors.
 * @cssprop --mcp-success - Success.
 * @cssprop --mcp-radius - Corner radius.
 * @cssprop --mcp-font - Font family.
 */
export class McpAuthorizeElement extends McpElement {
  #nodes: { container: HTMLElement; live: HTMLElement; rest: HTMLElement } | undefined

  protected render(): void {
    if (!this.handle) {
      // Nothing to show until both `auth` and a usable `server-url` are known.
      this.#nodes = undefined
      this.frame(undefined)
      return
    }
    const snapshot = this.handle.getSnapshot()
    const s = this.strings
    const values = this.values()
    const status = snapshot.status
    const code = snapshot.error?.code

    const message = (text: string, spinner = false) =>
      h(
        'p',
        { part: 'message' },
        spinner && h('span', { part: 'spinner', 'aria-hidden': 'true' }),
        format(text, values),
      )
    const actions = (...buttons: HTMLElement[]) => h('div', { part: 'actions' }, ...buttons)
    const authorize = (label = s.authorize) =>
      button('authorize', label, () => this.startAuthorize(), 'primary')

    // What the live region says (the status's name, as the card's pill says it), and the
    // controls that follow it.
    const [, sentence] = this.words()
    const said = message(sentence, sentence === s.checking || sentence === s.waiting)
    let rest: () => Child[] = () => []
    let form: ((host: McpAuthorizeElement) => HTMLElement) | undefined
    switch (status) {
      case 'needs-authorization':
        rest = () => [
          !!snapshot.issuer && h('p', { part: 'hint' }, format(s.signInAt, values)),
          actions(authorize()),
        ]
        break
      case 'authorizing':
        // A closed window may still deliver (COOP): keep listening, offer both ways out.
        rest = () => [
          actions(
            button('cancel', s.cancel, () => this.handle?.cancel()),
            button('open-again', s.openAgain, () => this.startAuthorize()),
          ),
        ]
        break
      case 'needs-client-id':
      case 'needs-token':
        form = forms(this)?.[status === 'needs-token' ? 'tokenForm' : 'clientIdForm']
        if (form) rest = () => [form!(this)]
        break
      case 'needs-step-up':
      case 'disconnected':
        rest = () => [actions(authorize())]
        break
      case 'cancelled':
        rest = () => [actions(authorize(s.tryAgain))]
        break
      case 'error':
        rest = () => [
          this.errorDetails(snapshot.error),
          actions(button('retry', s.retry, () => this.handle?.retry().catch(() => {}))),
        ]
    }

    let nodes = this.#nodes
    if (!nodes) {
      const live = h('div', { role: 'status', 'aria-live': 'polite', part: 'status' })
      const rest = h('div', { 'data-slot': true })
      nodes = {
        live,
        rest,
        container: h('section', { part: 'container', tabindex: '-1' }, live, rest),
      }
      this.#nodes = nodes
      this.frame(nodes.container)
    }
    setAttr(nodes.container, 'aria-label', values.name)
    setAttr(nodes.live, 'part', status === 'error' ? 'status error' : 'status')
    // Written only when the words change, so a screen reader hears each change once.
    if (nodes.live.textContent !== said.textContent) nodes.live.replaceChildren(said)
    // The controls are rebuilt only when the view changes: focus and typed input survive.
    const shown = status === 'refreshing' ? 'authorized' : status
    const cors = code === 'cors_blocked' && snapshot.error?.message
    const key = [shown, code, cors, values, !!form, this.stringsVersion]
    swap(nodes.rest, nodes.container, key, rest)
  }
}
