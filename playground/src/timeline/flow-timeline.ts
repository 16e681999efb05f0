import type { McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import type { Step, Trace, TraceEntry } from './trace.js'

const LABELS: Record<Step, string> = {
  mcp: 'MCP request',
  'resource-metadata': 'Resource metadata',
  'as-metadata': 'AS metadata',
  registration: 'Registration',
  token: 'Token',
  refresh: 'Refresh',
  revoke: 'Revoke',
  authorization: 'Authorization',
  other: 'Request',
}

/** Notes the status changes of a handle that are not requests: the window, the outcome. */
export function traceHandle(trace: Trace, handle: McpServerHandle): () => void {
  let previous: McpServerSnapshot['status'] | undefined
  return handle.subscribe((snapshot) => {
    if (snapshot.status === previous) return
    previous = snapshot.status
    const what: Partial<Record<McpServerSnapshot['status'], string>> = {
      authorizing: 'Authorization window open, waiting for the callback',
      authorized: `Authorized${snapshot.registration ? ` (${snapshot.registration} client)` : ''}`,
      'needs-step-up': `Step-up needed: ${snapshot.stepUpScopes?.join(' ') ?? ''}`,
      cancelled: 'Cancelled or denied',
      error: `Error: ${snapshot.error?.code ?? 'unknown'}`,
      disconnected: 'Disconnected',
    }
    const note = what[snapshot.status]
    if (note) trace.note('authorization', note, handle.url)
  })
}

// Declared before the class is defined: a page that already contains the element upgrades it
// inside `customElements.define`, which reads this at once.
const CSS = `
:host { display: block; font: 13px/1.4 system-ui, sans-serif; color: inherit; }
header { display: flex; align-items: center; justify-content: space-between; }
h2 { font-size: 14px; margin: 0 0 8px; }
button { font: inherit; padding: 2px 10px; border-radius: 6px; border: 1px solid #8884; background: transparent; color: inherit; cursor: pointer; }
ol { list-style: none; margin: 0; padding: 0; max-height: 320px; overflow: auto; }
li { display: grid; grid-template-columns: 130px 1fr auto; gap: 2px 10px; padding: 6px 4px; border-top: 1px solid #8883; }
.step { font-weight: 600; }
li[data-step="authorization"] .step { color: #7c3aed; }
li[data-step="token"] .step, li[data-step="refresh"] .step { color: #047857; }
li[data-step="revoke"] .step { color: #dc2626; }
.detail { overflow-wrap: anywhere; opacity: .85; }
.result { font-variant-numeric: tabular-nums; opacity: .7; }
code { grid-column: 2 / 4; font-size: 12px; overflow-wrap: anywhere; opacity: .75; }
`

/**
 * `<flow-timeline>`: the inspector panel. Shows each protocol step as it happens, with its URL,
 * status and timing. Text only; secrets are already redacted by the trace.
 */
export class FlowTimeline extends HTMLElement {
  #trace: Trace | undefined
  #unsubscribe: (() => void) | undefined
  readonly #list = document.createElement('ol')

  connectedCallback(): void {
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: 'open' })
      const style = document.createElement('style')
      style.textContent = CSS
      const header = document.createElement('header')
      const title = document.createElement('h2')
      title.textContent = 'Flow timeline'
      const clear = document.createElement('button')
      clear.type = 'button'
      clear.textContent = 'Clear'
      clear.addEventListener('click', () => this.trace?.clear())
      header.append(title, clear)
      this.#list.setAttribute('aria-live', 'polite')
      this.#list.tabIndex = 0 // a scrollable region must be reachable by keyboard
      root.append(style, header, this.#list)
    }
    this.#listen()
  }

  /** The trace to show; may be set before or after the element is connected. */
  get trace(): Trace | undefined {
    return this.#trace
  }
  set trace(trace: Trace | undefined) {
    this.#trace = trace
    if (this.isConnected) this.#listen()
  }

  #listen(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = this.#trace?.subscribe((entries) => this.#render(entries))
  }

  disconnectedCallback(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  #render(entries: readonly TraceEntry[]): void {
    const items = entries.map((entry) => {
      const item = document.createElement('li')
      item.dataset.step = entry.step
      const label = document.createElement('span')
      label.className = 'step'
      label.textContent = LABELS[entry.step]
      const detail = document.createElement('span')
      detail.className = 'detail'
      detail.textContent = entry.note ?? `${entry.method} ${entry.url}`
      const result = document.createElement('span')
      result.className = 'result'
      result.textContent = [
        entry.status === undefined ? (entry.note ? '' : '…') : String(entry.status),
        entry.ms === undefined ? '' : `${entry.ms} ms`,
      ]
        .filter(Boolean)
        .join(' · ')
      item.append(label, detail, result)
      if (entry.challenge) {
        const challenge = document.createElement('code')
        challenge.textContent = `WWW-Authenticate: ${entry.challenge}`
        item.append(challenge)
      }
      return item
    })
    this.#list.replaceChildren(...items)
    this.#list.lastElementChild?.scrollIntoView({ block: 'nearest' })
  }
}

if (!customElements.get('flow-timeline')) customElements.define('flow-timeline', FlowTimeline)

declare global {
  interface HTMLElementTagNameMap {
    'flow-timeline': FlowTimeline
  }
}
