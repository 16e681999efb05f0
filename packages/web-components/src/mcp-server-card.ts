import { h, McpElement } from './base.js'
import { format } from './strings.js'

/**
 * `<mcp-server-card server-url="…">`: one server at a glance. Name, URL, authorization server,
 * granted scopes, a status pill with a live expiry countdown, and the actions Authorize or
 * Re-authorize, step-up, and Disconnect (which revokes) behind a confirmation.
 *
 * @fires mcp-status-change - the snapshot, on every status change
 * @fires mcp-authorized - the snapshot, once authorized
 * @fires mcp-error - `{ code, message }`
 * @fires mcp-authorize-request - cancelable, before the authorization starts
 */
export class McpServerCardElement extends McpElement {
  #confirming = false
  #timer: ReturnType<typeof setInterval> | undefined
  #view = ''

  override connectedCallback(): void {
    super.connectedCallback()
    // The countdown: re-render on a timer; render() skips when nothing visible changed.
    this.#timer = setInterval(() => this.render(), 1000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** The pill text, e.g. "Authorized · expires in 12 min". */
  get pill(): string {
    const s = this.strings
    const snapshot = this.snapshot
    switch (snapshot?.status) {
      case 'authorized': {
        if (snapshot.expiresAt === undefined) return s.pillAuthorized
        const left = snapshot.expiresAt - Date.now()
        if (left <= 0) return s.pillExpired
        const time =
          left >= 60_000
            ? format(s.minutes, { n: String(Math.round(left / 60_000)) })
            : format(s.seconds, { n: String(Math.ceil(left / 1000)) })
        return format(s.pillExpiresIn, { time })
      }
      case 'refreshing':
        return s.pillRefreshing
      case 'open':
        return s.pillOpen
      case 'needs-step-up':
        return s.pillStepUp
      case 'needs-token':
        return s.pillNeedsToken
      case 'needs-client-id':
        return s.pillNeedsClientId
      case 'authorizing':
        return s.pillAuthorizing
      case 'error':
        return s.pillError
      case 'needs-authorization':
      case 'cancelled':
      case 'disconnected':
        return s.pillNeedsAuthorization
      default:
        return s.pillChecking
    }
  }

  protected render(): void {
    if (!this.handle) {
      // Nothing to show until both `auth` and `server-url` are known.
      this.#view = ''
      this.show()
      return
    }
    const s = this.strings
    const snapshot = this.snapshot
    const status = snapshot?.status ?? 'unknown'
    const pill = this.pill
    const view = JSON.stringify([snapshot, pill, this.#confirming, this.displayName, s])
    if (view === this.#view) return
    this.#view = view

    const button = (label: string, onClick: () => void, kind = '') =>
      h('button', { type: 'button', part: `button ${kind}`.trim(), onclick: onClick }, label)
    const authorized = status === 'authorized' || status === 'refreshing'
    const canAuthorize = [
      'needs-authorization',
      'needs-step-up',
      'cancelled',
      'disconnected',
      'authorized',
    ].includes(status)

    let actions: HTMLElement[]
    if (this.#confirming) {
      actions = [
        h('p', { part: 'message' }, s.confirmDisconnect),
        button(s.disconnect, () => this.#disconnect(), 'danger'),
        button(s.keep, () => this.#confirm(false)),
      ]
    } else {
      actions = [
        canAuthorize &&
          button(
            status === 'authorized' ? s.reauthorize : s.authorize,
            () => this.startAuthorize(),
            status === 'authorized' ? '' : 'primary',
          ),
        status === 'authorizing' && button(s.cancel, () => this.handle?.cancel()),
        status === 'error' && button(s.retry, () => this.handle?.retry().catch(() => {})),
        authorized && button(s.disconnect, () => this.#confirm(true), 'danger'),
      ].filter((b): b is HTMLElement => !!b)
    }

    this.show(
      h(
        'article',
        { part: 'container', 'aria-label': this.displayName },
        h(
          'header',
          { part: 'header' },
          h('p', { part: 'title' }, this.displayName),
          h('p', { part: 'url' }, this.getAttribute('server-url') ?? ''),
        ),
        h(
          'span',
          {
            part: 'pill',
            role: 'status',
            'aria-live': 'polite',
            'data-expired': pill === s.pillExpired,
          },
          pill,
        ),
        !!snapshot?.issuer &&
          h(
            'dl',
            { part: 'details' },
            h('dt', {}, s.issuerLabel),
            h('dd', { part: 'issuer' }, snapshot.issuer),
            h('dt', {}, s.scopesLabel),
            h('dd', { part: 'scopes' }, snapshot.scopes.join(' ') || s.none),
          ),
        status === 'needs-step-up' &&
          h(
            'p',
            { part: 'message' },
            format(s.stepUp, {
              name: this.displayName,
              scopes: this.extraScopes,
            }),
          ),
        status === 'error' &&
          h('p', { part: 'error', role: 'alert' }, this.errorMessage(snapshot?.error?.code ?? '')),
        actions.length > 0 && h('div', { part: 'actions' }, ...actions),
      ),
    )
  }

  #confirm(on: boolean): void {
    this.#confirming = on
    this.render()
    ;(
      this.root.querySelector(on ? '[part~="danger"]' : '[part~="button"]') as HTMLElement | null
    )?.focus()
  }

  #disconnect(): void {
    this.#confirming = false
    this.handle?.disconnect().catch(() => {})
  }
}
