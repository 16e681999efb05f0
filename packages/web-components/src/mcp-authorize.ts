import { McpElement } from './base.js'
import { button, type Child, h, setAttr, swap } from './dom.js'
import { statusWords } from './status-words.js'
import { format } from './strings.js'

const hostOf = (url: string | undefined) => {
  try {
    return url ? new URL(url).host : ''
  } catch {
    return url ?? ''
  }
}

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
  #view = ''

  protected render(): void {
    if (!this.handle) {
      // Nothing to show until both `auth` and a usable `server-url` are known.
      this.#nodes = undefined
      this.frame(undefined)
      return
    }
    const snapshot = this.handle.getSnapshot()
    const s = this.strings
    const name = this.displayName
    const values = {
      name,
      issuer: hostOf(snapshot.issuer) || s.none,
      scopes: this.extraScopes,
    }
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
    const [, sentence] = statusWords(snapshot, this.probe === 'manual', s)
    const said = message(sentence, sentence === s.checking || sentence === s.waiting)
    let rest: () => Child[] = () => []
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
        rest = () => [this.#clientIdForm()]
        break
      case 'needs-token':
        rest = () => [this.#tokenForm()]
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
      this.#view = ''
      this.frame(nodes.container)
    }
    setAttr(nodes.container, 'aria-label', name)
    setAttr(nodes.live, 'part', status === 'error' ? 'status error' : 'status')
    // Written only when the words change, so a screen reader hears each change once.
    if (nodes.live.textContent !== said.textContent) nodes.live.replaceChildren(said)
    // The controls are rebuilt only when the view changes: focus and typed input survive.
    const shown = status === 'refreshing' ? 'authorized' : status
    const view = JSON.stringify([
      shown,
      code,
      code === 'cors_blocked' && snapshot.error?.message,
      values,
    ])
    if (view + this.stringsVersion !== this.#view) {
      this.#view = view + this.stringsVersion
      swap(this.root, nodes.rest, nodes.container, ...rest())
    }
  }

  #clientIdForm(): HTMLElement {
    const s = this.strings
    const id = input('client-id', 'text', true)
    const secret = input('client-secret', 'password', false)
    return this.#form(
      [
        h('label', { part: 'label' }, s.clientIdLabel, id),
        h('label', { part: 'label' }, s.clientSecretLabel, secret),
      ],
      s.continue,
      (invalid) => {
        const clientId = id.value.trim()
        if (!clientId) return invalid(s.clientIdRequired, id)
        const clientSecret = secret.value
        this.handle
          ?.submitClientId({ clientId, ...(clientSecret ? { clientSecret } : {}) })
          .catch(() => {})
      },
    )
  }

  #tokenForm(): HTMLElement {
    const s = this.strings
    const token = input('token', 'password', true)
    return this.#form(
      [h('label', { part: 'label' }, s.tokenLabel, token)],
      s.connect,
      (invalid) => {
        const value = token.value.trim()
        if (!value) return invalid(s.tokenRequired, token)
        token.value = ''
        this.handle?.submitToken(value).catch(() => {})
      },
    )
  }

  /** A form whose inline message is shown in place, so what else was typed stays. */
  #form(
    fields: HTMLElement[],
    submit: string,
    onSubmit: (invalid: (message: string, field: HTMLInputElement) => void) => void,
  ): HTMLElement {
    const error = h('p', { part: 'error', id: 'form-error', role: 'alert', hidden: true })
    const invalid = (message: string, field: HTMLInputElement) => {
      error.textContent = message
      error.hidden = false
      field.setAttribute('aria-invalid', 'true')
      field.setAttribute('aria-describedby', 'form-error')
      field.focus()
    }
    return h(
      'form',
      {
        part: 'form',
        novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault()
          error.hidden = true
          onSubmit(invalid)
        },
      },
      ...fields,
      error,
      h(
        'div',
        { part: 'actions' },
        h('button', { type: 'submit', part: 'button primary', 'data-key': 'submit' }, submit),
      ),
    )
  }
}

function input(name: string, type: string, required: boolean): HTMLInputElement {
  return h('input', {
    name,
    type,
    part: 'input',
    autocomplete: 'off',
    spellcheck: 'false',
    required,
  }) as HTMLInputElement
}
