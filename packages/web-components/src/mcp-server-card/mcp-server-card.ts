import type { McpServerSnapshot } from '@mcp-oauth/core'
import { button, h, setAttr, setText, swap } from '../host/dom.js'
import { format } from '../host/format.js'
import { lazy } from '../host/lazy.js'
import { Timer } from '../host/timer.js'
import { McpElement } from '../server-element/mcp-element.js'
import { timeLeft } from '../server-element/strings.js'

/** What the card says after a sign-out: most pages never show it. */
const signOut = lazy(() => import('./sign-out-note.js'))

/** The nodes built once; updates change their text or swap one slot. */
interface CardNodes {
  container: HTMLElement
  live: Text
  title: Text
  url: Text
  pill: HTMLElement
  pillText: Text
  details: HTMLElement
  note: HTMLElement
  noteText: Text
  more: HTMLElement
  actions: HTMLElement
}

/**
 * `<mcp-server-card server-url="…">`: one server at a glance. Name, URL, authorization server,
 * granted scopes, a status pill with a live expiry countdown, what happened last (denied,
 * cancelled, an error, or what the server did on sign-out), and the actions Authorize or
 * Re-authorize, step-up, and Disconnect (which revokes) behind a confirmation.
 *
 * Built once: a countdown tick changes only the pill's text node, and a status change swaps
 * only the actions. A visually hidden live region announces status changes, not ticks.
 *
 * @tagname mcp-server-card
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
 * @csspart container - The card.
 * @csspart header - Name and URL.
 * @csspart title - The server's name.
 * @csspart url - The server's URL.
 * @csspart pill - The status pill, with the countdown.
 * @csspart details - The authorization server and permissions list.
 * @csspart issuer - The authorization server.
 * @csspart scopes - The granted permissions.
 * @csspart protection - "Sender-constrained" when the token is bound to this browser (DPoP).
 * @csspart message - What happened last, or the step-up request.
 * @csspart error - The error message (the same node as `message`, in the error status).
 * @csspart error-details - The disclosure with the developer text of a CORS error.
 * @csspart actions - The buttons.
 * @csspart button - Every button.
 * @csspart primary - The main action.
 * @csspart danger - Disconnect.
 *
 * @cssprop --mcp-accent - Accent: primary buttons, focus rings.
 * @cssprop --mcp-bg - Background.
 * @cssprop --mcp-fg - Text.
 * @cssprop --mcp-muted - Secondary text.
 * @cssprop --mcp-border - Borders.
 * @cssprop --mcp-danger - Errors and Disconnect.
 * @cssprop --mcp-success - The authorized pill.
 * @cssprop --mcp-radius - Corner radius.
 * @cssprop --mcp-font - Font family.
 */
export class McpServerCardElement extends McpElement {
  #confirming = false
  /** Ticks only while a time is counted down (the pill or the sign-out note). */
  readonly #countdown = new Timer(this, 1000, () => this.render(), true)
  #nodes: CardNodes | undefined

  /** The pill text, e.g. "Authorized · expires in 12 min". */
  get pill(): string {
    return this.#pill(true)
  }

  #pill(countdown: boolean): string {
    const s = this.strings
    const snapshot = this.snapshot
    const [pill] = this.words()
    // A background refresh is not news for the live region.
    if (snapshot?.status === 'refreshing' && countdown) return s.pillRefreshing
    if (snapshot?.status !== 'authorized' || snapshot.expiresAt === undefined) return pill
    const left = snapshot.expiresAt - Date.now()
    if (left <= 0) return s.pillExpired
    return countdown ? format(s.pillExpiresIn, { time: timeLeft(left, s) }) : pill
  }

  /** What happened last, in words: step-up, denied or cancelled, an error, or the sign-out. */
  #note(snapshot: McpServerSnapshot, now: number): string {
    const { status } = snapshot
    if (status === 'disconnected') {
      // Loaded with the first disconnect: the core's report follows once the server answered.
      const s = this.strings
      const [text, left] = signOut(this)?.signedOutNote(snapshot, s, now) ?? ['', 0]
      return left > 0 ? format(text, { time: timeLeft(left, s) }) : text
    }
    // In the words the authorize step says them.
    const said = status === 'needs-step-up' || status === 'cancelled' || status === 'error'
    return said ? format(this.words()[1], this.values()) : ''
  }

  #build(): CardNodes {
    const text = () => document.createTextNode('')
    const nodes = {
      live: text(),
      title: text(),
      url: text(),
      pillText: text(),
      noteText: text(),
    } as CardNodes
    nodes.pill = h('span', { part: 'pill' }, nodes.pillText)
    nodes.details = h('div', { 'data-slot': true })
    nodes.note = h('p', { part: 'message', hidden: true }, nodes.noteText)
    nodes.more = h('div', { 'data-slot': true })
    nodes.actions = h('div', { part: 'actions' })
    nodes.container = h(
      'article',
      { part: 'container', tabindex: '-1' },
      h('p', { role: 'status', 'aria-live': 'polite', 'data-sr': true }, nodes.live),
      h(
        'header',
        { part: 'header' },
        h('p', { part: 'title' }, nodes.title),
        h('p', { part: 'url' }, nodes.url),
      ),
      nodes.pill,
      nodes.details,
      nodes.note,
      nodes.more,
      nodes.actions,
    )
    this.frame(nodes.container)
    return nodes
  }

  protected render(): void {
    if (!this.handle) {
      // Nothing to show until both `auth` and a usable `server-url` are known.
      this.#countdown.stop()
      this.#nodes = undefined
      this.frame(undefined)
      return
    }
    this.#nodes ??= this.#build()
    const nodes = this.#nodes
    const s = this.strings
    const snapshot = this.handle.getSnapshot()
    const status = snapshot.status
    const name = this.displayName
    const now = Date.now()
    const pill = this.pill
    const note = this.#note(snapshot, now)

    setAttr(nodes.container, 'aria-label', name)
    setText(nodes.title, name)
    setText(nodes.url, this.getAttribute('server-url') ?? '')
    setText(nodes.pillText, pill)
    setAttr(nodes.pill, 'data-expired', pill === s.pillExpired)
    // The live region says the status and what happened, without the countdown: a tick is
    // not announced.
    const quiet = this.#note(snapshot, Number.POSITIVE_INFINITY)
    setText(nodes.live, `${this.#pill(false)}. ${quiet}`.trim())
    setText(nodes.noteText, note)
    setAttr(nodes.note, 'hidden', !note)
    setAttr(nodes.note, 'part', status === 'error' ? 'error' : 'message')

    const bound = snapshot.tokenType === 'DPoP'
    const strings = this.stringsVersion
    swap(nodes.details, nodes.container, [snapshot.issuer, snapshot.scopes, bound, strings], () => [
      !!snapshot.issuer &&
        h(
          'dl',
          { part: 'details' },
          h('dt', {}, s.issuerLabel),
          h('dd', { part: 'issuer' }, snapshot.issuer),
          h('dt', {}, s.scopesLabel),
          h('dd', { part: 'scopes' }, snapshot.scopes.join(' ') || s.none),
          ...(bound
            ? [h('dt', {}, s.protectionLabel), h('dd', { part: 'protection' }, s.senderConstrained)]
            : []),
        ),
    ])

    const error = status === 'error' ? snapshot.error : undefined
    swap(nodes.more, nodes.container, [error?.code, error?.message, strings], () => [
      this.errorDetails(error),
    ])

    const authorized = status === 'authorized' || status === 'refreshing'
    if (!authorized) this.#confirming = false
    const confirming = this.#confirming
    // The same buttons while a refresh runs: a background refresh must not move focus.
    swap(nodes.actions, nodes.container, [authorized || status, confirming, strings], () =>
      this.#actions(status, confirming),
    )
    if (pill !== this.#pill(false) || note !== quiet) this.#countdown.start()
    else this.#countdown.stop()
  }

  #actions(status: string, confirming: boolean): HTMLElement[] {
    const s = this.strings
    if (confirming) {
      return [
        h('p', { part: 'message' }, s.confirmDisconnect),
        button('confirm-disconnect', s.disconnect, () => this.#disconnect(), 'danger'),
        button('keep', s.keep, () => this.#confirm(false)),
      ]
    }
    const authorized = status === 'authorized' || status === 'refreshing'
    const canAuthorize = ['needs-authorization', 'needs-step-up', 'cancelled', 'disconnected']
    return [
      authorized && button('authorize', s.reauthorize, () => this.startAuthorize()),
      canAuthorize.includes(status) &&
        button('authorize', s.authorize, () => this.startAuthorize(), 'primary'),
      status === 'authorizing' && button('cancel', s.cancel, () => this.handle?.cancel()),
      status === 'error' && button('retry', s.retry, () => this.handle?.retry().catch(() => {})),
      authorized && button('disconnect', s.disconnect, () => this.#confirm(true), 'danger'),
    ].filter((b): b is HTMLElement => !!b)
  }

  #confirm(on: boolean): void {
    this.#confirming = on
    this.render()
    this.root
      .querySelector<HTMLElement>(`[data-key="${on ? 'confirm-disconnect' : 'disconnect'}"]`)
      ?.focus()
  }

  #disconnect(): void {
    this.#confirming = false
    this.handle?.disconnect().catch(() => {})
  }
}
