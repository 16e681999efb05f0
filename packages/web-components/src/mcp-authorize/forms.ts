import type { McpServerHandle } from '@mcp-oauth/core'
import { h } from '../host/dom.js'
import type { McpStrings } from '../server-element/strings.js'

/**
 * The forms of `<mcp-authorize>`, in a module of their own: it loads the first time a server
 * needs a client ID or a token, which most servers never do.
 */

/** What a form needs of its element. */
export interface FormHost {
  readonly strings: McpStrings
  readonly handle: McpServerHandle | undefined
}

/**
 * The client ID form of `needs-client-id`: one field, a blank ID is refused. It never asks for
 * a secret: a confidential client keeps its secret at the app's relay, never in the page.
 */
export function clientIdForm(host: FormHost): HTMLElement {
  const s = host.strings
  const id = input('client-id', 'text', true)
  return form([h('label', { part: 'label' }, s.clientIdLabel, id)], s.continue, (invalid) => {
    const clientId = id.value.trim()
    if (!clientId) return invalid(s.clientIdRequired, id)
    host.handle?.submitClientId({ clientId }).catch(() => {})
  })
}

/** The token form of `needs-token`: masked, and emptied once the token is submitted. */
export function tokenForm(host: FormHost): HTMLElement {
  const s = host.strings
  const token = input('token', 'password', true)
  return form([h('label', { part: 'label' }, s.tokenLabel, token)], s.connect, (invalid) => {
    const value = token.value.trim()
    if (!value) return invalid(s.tokenRequired, token)
    token.value = ''
    host.handle?.submitToken(value).catch(() => {})
  })
}

/** A form whose inline message is shown in place, so what else was typed stays. */
function form(
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
