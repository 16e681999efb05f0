import type { McpServerSnapshot } from '@mcp-oauth/core'
import { h, McpElement } from './base.js'
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
 * with Cancel and Open again, a client ID form, a masked token form, step-up, errors with Retry,
 * and done. Attributes: `server-url`, `server-name`, `scope`, `mode` (`popup` | `redirect`).
 *
 * @fires mcp-status-change - the snapshot, on every status change
 * @fires mcp-authorized - the snapshot, once authorized
 * @fires mcp-error - `{ code, message }`
 * @fires mcp-authorize-request - cancelable, before the authorization starts
 */
export class McpAuthorizeElement extends McpElement {
  #formError = ''
  #view = ''

  protected render(): void {
    if (!this.handle) {
      // Nothing to show until both `auth` and `server-url` are known.
      this.#view = ''
      this.show()
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
    // Re-render only when what is shown changes, so focus and typed input survive.
    const view = JSON.stringify([status, snapshot?.error?.code, values, this.#formError, s])
    if (view === this.#view) return
    this.#view = view

    const message = (text: string) => h('p', { part: 'message' }, format(text, values))
    const button = (label: string, onClick: () => void, kind = '') =>
      h('button', { type: 'button', part: `button ${kind}`.trim(), onclick: onClick }, label)
    const actions = (...buttons: HTMLElement[]) => h('div', { part: 'actions' }, ...buttons)
    const authorize = (label = s.authorize) => button(label, () => this.startAuthorize(), 'primary')

    let body: Array<HTMLElement | false>
    switch (status) {
      case 'unknown':
      case 'probing':
        body = [
          h('p', { part: 'message' }, h('span', { part: 'spinner' }), format(s.checking, values)),
        ]
        break
      case 'open':
        body = [message(s.open)]
        break
      case 'needs-authorization':
        body = [
          message(s.needsAuthorization),
          !!snapshot?.issuer && h('p', { part: 'hint' }, format(s.signInAt, values)),
          actions(authorize()),
        ]
        break
      case 'authorizing':
        body = [
          h('p', { part: 'message' }, h('span', { part: 'spinner' }), s.waiting),
          actions(
            button(s.cancel, () => this.handle?.cancel()),
            button(s.openAgain, () => this.startAuthorize()),
          ),
        ]
        break
      case 'needs-client-id':
        body = [this.#clientIdForm(values)]
        break
      case 'needs-token':
        body = [this.#tokenForm(values)]
        break
      case 'needs-step-up':
        body = [message(s.stepUp), actions(authorize())]
        break
      case 'cancelled':
        body = [
          message(snapshot?.error?.code === 'access_denied' ? s.denied : s.cancelled),
          actions(authorize(s.tryAgain)),
        ]
        break
      case 'disconnected':
        body = [message(s.disconnected), actions(authorize())]
        break
      case 'authorized':
      case 'refreshing':
        body = [message(s.authorized)]
        break
      default:
        body = [
          h('p', { part: 'error', role: 'alert' }, this.errorMessage(snapshot?.error?.code ?? '')),
          actions(button(s.retry, () => this.handle?.retry().catch(() => {}))),
        ]
    }
    this.show(
      h(
        'section',
        { part: 'container', 'aria-label': name },
        h('div', { role: 'status', 'aria-live': 'polite', part: 'status' }, ...body),
      ),
    )
  }

  #clientIdForm(values: Record<string, string>): HTMLElement {
    const s = this.strings
    const id = h('input', { name: 'client-id', part: 'input', autocomplete: 'off', required: true })
    const secret = h('input', {
      name: 'client-secret',
      type: 'password',
      part: 'input',
      autocomplete: 'off',
    })
    return this.#form(
      format(s.clientIdTitle, values),
      [
        h('label', { part: 'label' }, s.clientIdLabel, id),
        h('label', { part: 'label' }, s.clientSecretLabel, secret),
      ],
      s.continue,
      () => {
        const clientId = (id as HTMLInputElement).value.trim()
        if (!clientId) {
          this.#invalid(s.clientIdRequired)
          return
        }
        const clientSecret = (secret as HTMLInputElement).value
        this.handle
          ?.submitClientId({ clientId, ...(clientSecret ? { clientSecret } : {}) })
          .catch(() => {})
      },
    )
  }

  #tokenForm(values: Record<string, string>): HTMLElement {
    const s = this.strings
    const token = h('input', {
      name: 'token',
      type: 'password',
      part: 'input',
      autocomplete: 'off',
      required: true,
    })
    return this.#form(
      format(s.tokenTitle, values),
      [h('label', { part: 'label' }, s.tokenLabel, token)],
      s.connect,
      () => {
        const value = (token as HTMLInputElement).value.trim()
        if (!value) {
          this.#invalid(s.tokenRequired)
          return
        }
        ;(token as HTMLInputElement).value = ''
        this.handle?.submitToken(value).catch(() => {})
      },
    )
  }

  #form(title: string, fields: HTMLElement[], submit: string, onSubmit: () => void): HTMLElement {
    const form = h(
      'form',
      {
        part: 'form',
        novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault()
          this.#formError = ''
          onSubmit()
        },
      },
      h('p', { part: 'message' }, title),
      ...fields,
      !!this.#formError && h('p', { part: 'error', role: 'alert' }, this.#formError),
      h(
        'div',
        { part: 'actions' },
        h('button', { type: 'submit', part: 'button primary' }, submit),
      ),
    )
    return form
  }

  #invalid(message: string): void {
    this.#formError = message
    this.render()
  }
}

export type { McpServerSnapshot }
