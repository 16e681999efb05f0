import type { McpAuth, McpAuthError, McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { authorizationChange, isSecureUrl } from '@mcp-oauth/core/rules'
import { h } from './dom.js'
import { Base, defaultMcpAuth, live } from './page-default.js'
import { PROBE_DEBOUNCE_MS } from './probe-policy.js'
import { errorMessage, type McpStringOverrides, type McpStrings, mergeStrings } from './strings.js'
import { adoptStyles } from './styles.js'

export { setDefaultMcpAuth } from './page-default.js'

/** Detail of `mcp-error`: a stable code and the element's own message, never the server's. */
export interface McpErrorDetail {
  code: string
  message: string
}

/**
 * What both elements share: the `auth` property (or the page default), the `server-url`,
 * `server-name` and `probe` attributes, a subscription to the server handle while connected,
 * `strings`, a reflected `status` attribute, and the `mcp-` events.
 *
 * The shadow DOM is built once; updates change text nodes and swap only the part of the view
 * that differs, so focus and the screen reader's place survive them.
 */
export abstract class McpElement extends Base {
  static get observedAttributes(): string[] {
    return ['server-url', 'server-name', 'scope', 'mode', 'probe']
  }

  #auth: McpAuth | undefined
  #strings: McpStrings = mergeStrings(undefined)
  #unsubscribe: (() => void) | undefined
  #handle: McpServerHandle | undefined
  #previous: McpServerSnapshot | undefined
  #connected = false
  #debounce: ReturnType<typeof setTimeout> | undefined
  readonly #style: HTMLStyleElement | undefined
  protected readonly root: ShadowRoot
  /** Changes whenever `strings` is set, so views that show strings are rebuilt. */
  protected stringsVersion = 0

  constructor() {
    super()
    this.root = this.attachShadow({ mode: 'open' })
    this.#style = adoptStyles(this.root)
  }

  /** The core instance; defaults to the one given to `setDefaultMcpAuth()`. */
  get auth(): McpAuth | undefined {
    return this.#auth ?? defaultMcpAuth()
  }
  set auth(value: McpAuth | undefined) {
    this.#auth = value
    this.refresh()
  }

  /** Overrides for any user-facing string. */
  get strings(): McpStrings {
    return this.#strings
  }
  set strings(value: McpStringOverrides | undefined) {
    this.#strings = mergeStrings(value)
    this.stringsVersion++
    this.render()
  }

  /**
   * `auto` (default): the element probes the server itself, once `server-url` has stayed the
   * same for 400 ms and only if it is a valid `https:` (or loopback `http:`) URL. `manual`: the
   * app calls `element.handle.probe()` when it wants.
   */
  get probe(): 'auto' | 'manual' {
    return this.getAttribute('probe') === 'manual' ? 'manual' : 'auto'
  }
  set probe(value: 'auto' | 'manual') {
    this.setAttribute('probe', value)
  }

  /** The `server-url` attribute, as a property (frameworks that set properties use it). */
  get serverUrl(): string {
    return this.getAttribute('server-url') ?? ''
  }
  set serverUrl(value: string) {
    this.setAttribute('server-url', value)
  }

  /** The `server-name` attribute, as a property. */
  get serverName(): string {
    return this.getAttribute('server-name') ?? ''
  }
  set serverName(value: string) {
    this.setAttribute('server-name', value)
  }

  /** The server handle for `server-url`, once `auth` and the URL are known. */
  get handle(): McpServerHandle | undefined {
    return this.#handle
  }

  get snapshot(): McpServerSnapshot | undefined {
    return this.#handle?.getSnapshot()
  }

  /** The server's display name: `server-name`, the metadata's name, or the host. */
  get displayName(): string {
    const url = this.getAttribute('server-url') ?? ''
    let host = url
    try {
      host = new URL(url).host
    } catch {}
    return this.getAttribute('server-name') || this.snapshot?.resourceName || host
  }

  connectedCallback(): void {
    live.add(this)
    this.#connected = true
    this.refresh()
  }

  disconnectedCallback(): void {
    live.delete(this)
    this.#connected = false
    clearTimeout(this.#debounce)
    this.#bind(undefined)
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue) return
    if (name === 'server-url' && this.#connected && this.probe === 'auto') {
      // A URL bound to a text input changes on every keystroke: wait until it settles.
      clearTimeout(this.#debounce)
      this.#debounce = setTimeout(() => this.refresh(), PROBE_DEBOUNCE_MS)
    } else if (name === 'server-url' || name === 'probe') this.refresh()
    else this.render()
  }

  /**
   * (Re)binds to the handle for the current `auth` and `server-url`, and probes it when
   * `probe` is `auto` and nothing is known yet. With `auto`, a URL that cannot be probed
   * (not a URL, or not `https:` outside loopback) leaves the element empty.
   */
  refresh(): void {
    clearTimeout(this.#debounce)
    if (!this.#connected) return
    const url = this.getAttribute('server-url')
    const auto = this.probe === 'auto'
    let handle: McpServerHandle | undefined
    try {
      if (url && this.auth && (!auto || isSecureUrl(url))) handle = this.auth.server(url)
    } catch {}
    if (handle !== this.#handle) this.#bind(handle)
    if (auto && handle?.getSnapshot().status === 'unknown') handle.probe().catch(() => {})
    this.render()
  }

  #bind(handle: McpServerHandle | undefined): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#handle = handle
    this.#previous = undefined
    if (!handle) this.removeAttribute('status')
    this.#unsubscribe = handle?.subscribe((snapshot) => this.#changed(snapshot))
  }

  #changed(snapshot: McpServerSnapshot): void {
    const previous = this.#previous
    this.#previous = snapshot
    this.setAttribute('status', snapshot.status)
    this.render()
    if (previous?.status !== snapshot.status) {
      this.emit('mcp-status-change', snapshot)
      const change = authorizationChange(previous, snapshot)
      if (change === 'authorized') this.emit('mcp-authorized', snapshot)
      if (change === 'restored') this.emit('mcp-restored', snapshot)
    }
    if (snapshot.error && snapshot.error !== previous?.error) {
      this.emit('mcp-error', {
        code: snapshot.error.code,
        message: this.errorMessage(snapshot.error.code),
      } satisfies McpErrorDetail)
    }
  }

  /** The permissions a step-up asks for beyond those already granted. */
  get extraScopes(): string {
    const snapshot = this.snapshot
    const granted = new Set(snapshot?.scopes)
    return (snapshot?.stepUpScopes ?? []).filter((scope) => !granted.has(scope)).join(' ')
  }

  /** The element's message for an error code; the server's own text is never shown. */
  errorMessage(code: string): string {
    return errorMessage(this.strings, code)
  }

  /**
   * A disclosure with the kit's own developer text (which headers the server must send) for a
   * `cors_blocked` error; the short message stays the element's. Other errors get none.
   */
  errorDetails(error: McpAuthError | undefined): HTMLElement | false {
    if (error?.code !== 'cors_blocked') return false
    return h(
      'details',
      { part: 'error-details' },
      h('summary', {}, this.strings.errorDetails),
      h('p', {}, error.message),
    )
  }

  protected emit(type: string, detail: unknown, cancelable = false): boolean {
    return this.dispatchEvent(
      new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }),
    )
  }

  /**
   * Asks the page (cancelable `mcp-authorize-request`), then starts the authorization
   * synchronously, inside the user's click, so the popup is not blocked.
   */
  protected startAuthorize(): void {
    const handle = this.#handle
    if (!handle || !this.emit('mcp-authorize-request', handle.getSnapshot(), true)) return
    const scope = this.getAttribute('scope')
    const mode = this.getAttribute('mode')
    handle
      .authorize({
        ...(scope ? { scope } : {}),
        ...(mode === 'redirect' || mode === 'popup' ? { mode } : {}),
      })
      .catch(() => {})
  }

  /** Makes `container` the shadow root's content (none: empty), keeping the fallback style. */
  protected frame(container: HTMLElement | undefined): void {
    const nodes: Node[] = container ? [container] : []
    if (this.#style) nodes.unshift(this.#style)
    this.root.replaceChildren(...nodes)
  }

  protected abstract render(): void
}
