import type { McpAuth } from '@mcp-oauth/core'
import {
  formatTrace,
  type McpAuthEvent,
  serializeTrace,
  serverName,
  subscribeEvents,
} from '@mcp-oauth/core/events'
import { button, h, setText } from '../host/dom.js'
import { format } from '../host/format.js'
import { McpHost } from '../host/host.js'
import { Subscription } from '../host/subscription.js'
import { Timer } from '../host/timer.js'
import { failed, timelineRow } from './timeline-row.js'
import {
  type McpTimelineStringOverrides,
  type McpTimelineStrings,
  mergeTimelineStrings,
} from './timeline-strings.js'
import { adoptTimelineStyles } from './timeline-styles.js'

/** Events kept (and rows shown) at most; the oldest go first. */
const MAX_EVENTS = 500
/** The summary is read out at most this often, never once per step. */
const ANNOUNCE_MS = 1000

interface Nodes {
  container: HTMLElement
  title: Text
  summary: Text
  live: Text
  log: HTMLElement
  empty: HTMLElement
  servers: HTMLElement
  actions: HTMLElement
}

/**
 * `<mcp-flow-timeline>`: every protocol step of an `McpAuth` instance as it happens, the
 * servers side by side: the probe and its challenge, metadata discovery with each candidate
 * URL, registration, the authorization window, tokens, refreshes and why, step-up,
 * revocation, and each `server.fetch` call by its JSON-RPC method. Timing bars; a failure
 * shows the element's own message with a Details disclosure for the developer; an expected
 * answer (the optional SSE stream's `GET 405`, an access token the authorization server
 * cannot revoke) is explained rather than shown as a failure. Copy as text and Download JSON
 * give a trace for a bug report; it holds no secret (the event stream leaves them out).
 *
 * Built once: a new event adds one row, in time order; no existing row is rebuilt, so focus
 * and open disclosures stay. The list scrolls and is reachable by keyboard; the screen reader
 * hears a short summary at most once a second.
 *
 * Load it from its own entry, `@mcp-oauth/web-components/timeline`, and register it with
 * `defineMcpFlowTimeline()`; it reads the instance given to `setDefaultMcpAuth()` unless its
 * `auth` property is set.
 *
 * @tagname mcp-flow-timeline
 *
 * @csspart container - The outer box.
 * @csspart header - The title and the buttons.
 * @csspart title - The title.
 * @csspart actions - The buttons.
 * @csspart button - Every button.
 * @csspart summary - How many steps, how many failed.
 * @csspart log - The scrollable list of steps.
 * @csspart empty - Shown before the first step.
 * @csspart servers - The servers, side by side.
 * @csspart server - One server's steps.
 * @csspart server-name - The server's host and path.
 * @csspart row - One step; also `ok`, `failed`, `explained` or `status`.
 * @csspart ok - A step that went as planned.
 * @csspart failed - A failed step.
 * @csspart explained - An expected answer, with its explanation.
 * @csspart status - A status change.
 * @csspart time - When the step started (local time).
 * @csspart step - The step's name.
 * @csspart result - The HTTP status and the duration.
 * @csspart detail - The request, or what the step found.
 * @csspart bar - The timing bar (logarithmic: 10 ms a quarter, 10 s the whole width).
 * @csspart bar-fill - Its filled part.
 * @csspart note - The explanation of an expected answer.
 * @csspart error - The failure, in words for the user.
 * @csspart error-details - The developer's detail: code, message, details.
 * @csspart requests - The disclosure listing the step's requests.
 *
 * @cssprop --mcp-accent - Accent: timing bars, explained steps, focus rings.
 * @cssprop --mcp-bg - Background.
 * @cssprop --mcp-fg - Text.
 * @cssprop --mcp-muted - Secondary text.
 * @cssprop --mcp-border - Borders, and the bars' track.
 * @cssprop --mcp-danger - Failed steps.
 * @cssprop --mcp-success - Success.
 * @cssprop --mcp-radius - Corner radius.
 * @cssprop --mcp-font - Font family.
 * @cssprop --mcp-timeline-height - The list's maximum height before it scrolls. Default 420px.
 */
export class McpFlowTimelineElement extends McpHost<
  McpTimelineStrings,
  McpTimelineStringOverrides
> {
  #events: McpAuthEvent[] = []
  #rows = new Map<McpAuthEvent, HTMLElement>()
  /** When each row's step started, to keep the rows in time order. */
  #started = new WeakMap<Element, number>()
  #groups = new Map<string, HTMLElement>()
  #nodes: Nodes | undefined
  /** The strings the rows were built in. */
  #built = -1
  /** The summary is read out at most once a second, never once per step. */
  readonly #announce = new Timer(this, ANNOUNCE_MS, () => {
    if (this.#nodes) setText(this.#nodes.live, this.#summary())
  })

  constructor() {
    super(adoptTimelineStyles, mergeTimelineStrings)
    // The instance's event stream, while connected; one that createMcpAuth() did not make has
    // none, and shows nothing.
    new Subscription(
      this,
      () => this.auth,
      (auth: McpAuth) => {
        try {
          return subscribeEvents(auth, (event) => this.addEvents(event))
        } catch {
          return undefined
        }
      },
    )
    this.render()
  }

  /** Built once, and again only in new words (`strings`), with the same events. */
  protected render(): void {
    if (this.#built === this.stringsVersion) return
    this.#built = this.stringsVersion
    const focused = this.root.activeElement
    this.#build()
    const events = this.#events
    this.#events = []
    this.addEvents(...events)
    if (focused) this.#nodes?.log.focus()
  }

  /** The events shown, oldest first. */
  get events(): readonly McpAuthEvent[] {
    return this.#events
  }

  /** Shows more events, such as those of a saved trace; the element's own come by themselves. */
  addEvents(...events: McpAuthEvent[]): void {
    const nodes = this.#nodes
    if (!nodes) return
    const log = nodes.log
    const following = log.scrollTop + log.clientHeight >= log.scrollHeight - 8
    for (const event of events) {
      this.#events.push(event)
      const row = timelineRow(event, this.strings)
      if (row) this.#insert(event, row)
    }
    while (this.#events.length > MAX_EVENTS) {
      const dropped = this.#events.shift()!
      this.#rows.get(dropped)?.remove()
      this.#rows.delete(dropped)
    }
    nodes.empty.hidden = this.#events.length > 0
    setText(nodes.summary, this.#summary())
    if (following) log.scrollTop = log.scrollHeight
    this.#announce.start()
  }

  /** Forgets every event shown. */
  clear(): void {
    this.#events = []
    this.#rows.clear()
    this.#groups.clear()
    if (!this.#nodes) return
    this.#nodes.servers.replaceChildren()
    this.#nodes.empty.hidden = false
    setText(this.#nodes.summary, this.#summary())
  }

  /** The events as text, one line each, for a bug report. */
  toText(): string {
    return formatTrace(this.#events, this.strings)
  }

  /** The events as a JSON document, for a bug report. */
  toJSON(): string {
    return serializeTrace(this.#events)
  }

  #summary(): string {
    return format(this.strings.summary, {
      count: String(this.#events.length),
      failed: String(this.#events.filter(failed).length),
    })
  }

  /** Puts a row in its server's list, after every row that started before it. */
  #insert(event: McpAuthEvent, row: HTMLElement): void {
    const list = this.#group(event.server)
    let after = list.lastElementChild
    while (after && (this.#started.get(after) ?? 0) > event.at) {
      after = after.previousElementSibling
    }
    if (after) after.after(row)
    else list.prepend(row)
    this.#rows.set(event, row)
    this.#started.set(row, event.at)
  }

  #group(server: string): HTMLElement {
    let list = this.#groups.get(server)
    if (!list) {
      const name = serverName(server)
      list = h('ol', {})
      this.#nodes!.servers.append(
        h(
          'section',
          { part: 'server', 'aria-label': name },
          h('p', { part: 'server-name' }, name),
          list,
        ),
      )
      this.#groups.set(server, list)
    }
    return list
  }

  #build(): void {
    const s = this.strings
    const text = () => document.createTextNode('')
    const nodes = { title: text(), summary: text(), live: text() } as Nodes
    setText(nodes.title, s.title)
    nodes.actions = h(
      'div',
      { part: 'actions' },
      button('copy', s.copy, () => void this.#copy()),
      button('download', s.download, () => this.#download()),
      button('clear', s.clear, () => this.clear()),
    )
    nodes.empty = h('p', { part: 'empty' }, s.empty)
    nodes.servers = h('div', { part: 'servers' })
    nodes.log = h(
      'div',
      { part: 'log', role: 'region', 'aria-label': s.log, tabindex: '0' },
      nodes.empty,
      nodes.servers,
    )
    nodes.container = h(
      'div',
      { part: 'container' },
      h('div', { part: 'header' }, h('p', { part: 'title' }, nodes.title), nodes.actions),
      h('p', { part: 'summary' }, nodes.summary),
      h('p', { role: 'status', 'aria-live': 'polite', 'data-sr': true }, nodes.live),
      nodes.log,
    )
    this.#rows.clear()
    this.#groups.clear()
    this.#nodes = nodes
    setText(nodes.summary, this.#summary())
    this.frame(nodes.container)
  }

  #say(message: string): void {
    if (this.#nodes) setText(this.#nodes.live, message)
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.toText())
      this.#say(this.strings.copied)
    } catch {
      this.#say(this.strings.copyFailed)
    }
  }

  #download(): void {
    const url = URL.createObjectURL(new Blob([this.toJSON()], { type: 'application/json' }))
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const link = h('a', { href: url, download: `mcp-oauth-trace-${stamp}.json`, hidden: true })
    this.root.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }
}
