import { McpElement } from './base.js'
import { button, type Child, h, setAttr, swap } from './dom.js'
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
 * @fires {CustomEvent<McpServerSnapshot>} mcp-authorized - An authorization (or a typed token) finished. Not fired for a session restored from storage, nor after a refresh.
 * @fires {CustomEvent<McpServerSnapshot>} mcp-restored - The element found the server already authorized: a session restored from storage.
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
    const snapshot = this.snapshot
    const s = this.strings
    const name = this.displayName
    const values = {
      name,
      issuer: hostOf(snapshot?.issuer) || s.none,
      scopes: this.extraScopes,
    }
    const status = snapshot?.status ?? 'unknown'
    const code = snapshot?.error?.code

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

    // What the live region says, and the controls that follow it.
    let said: HTMLElement
    let rest: () => Child[] = () => []
    switch (status) {
      case 'unknown':
        said = this.probe === 'manual' ? message(s.notChecked) : message(s.checking, true)
        break
      case 'probing':
        said = message(s.checking, true)
        break
      case 'open':
        said = message(s.open)
        break
      case 'needs-authorization':
        said = message(s.needsAuthorization)
        rest = () => [
          !!snapshot?.issuer && h('p', { part: 'hint' }, format(s.signInAt, values)),
          actions(authorize()),
        ]
        break
      case 'authorizing':
        // A closed window may still deliver (COOP): keep listening, offer both ways out.
        said = snapshot?.popup === 'closed' ? message(s.popupClosed) : message(s.waiting, true)
        rest = () => [
          actions(
            button('cancel', s.cancel, () => this.handle?.cancel()),
            button('open-again', s.openAgain, () => this.startAuthorize()),
          ),
        ]
        break
      case 'needs-client-id':
        // After a refused registration, why, in plain words; the form asks for an ID only:
        // a client that needs a secret keeps it at the app's relay, never in the page.
        said = message(
          code === 'registration_refused'
            ? ((s.refusals as Record<string, string>)[snapshot?.error?.details?.reason as string] ??
                this.errorMessage(code))
            : s.clientIdTitle,
        )
        rest = () => [this.#clientIdForm()]
        break
      case 'needs-token':
        // A refused token says so; the form stays for another one.
        said = message(code === 'invalid_token' ? this.errorMessage(code) : s.tokenTitle)
        rest = () => [this.#tokenForm()]
        break
      case 'needs-step-up':
        said = message(s.stepUp)
        rest = () => [actions(authorize())]
        break
      case 'cancelled':
        said = message(code === 'access_denied' ? s.denied : s.cancelled)
        rest = () => [actions(authorize(s.tryAgain))]
        break
      case 'disconnected':
        said = message(s.disconnected)
        rest = () => [actions(authorize())]
        break
      case 'authorized':
      case 'refreshing':
        said = message(s.authorized)
        break
      default:
        said = h('p', { part: 'message' }, this.errorMessage(code ?? ''))
        rest = () => [
          this.errorDetails(snapshot?.error),
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
      code === 'cors_blocked' && snapshot?.error?.message,
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
    return this.#form(
      [h('label', { part: 'label' }, s.clientIdLabel, id)],
      s.continue,
      (invalid) => {
        const clientId = id.value.trim()
        if (!clientId) return invalid(s.clientIdRequired, id)
        this.handle?.submitClientId({ clientId }).catch(() => {})
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
