import type { McpAuth, McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { type McpStrings, mergeStrings } from './strings.js'
import { STYLES } from './styles.js'

let defaultAuth: McpAuth | undefined

/** Sets the core instance every element uses unless its own `auth` property is set. */
export function setDefaultMcpAuth(auth: McpAuth | undefined): void {
  defaultAuth = auth
  for (const element of live) element.refresh()
}

/** Detail of `mcp-error`: a stable code and the element's own message, never the server's. */
export interface McpErrorDetail {
  code: string
  message: string
}

const live = new Set<McpElement>()

// Importing on a server (SSR) must not touch browser globals.
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement

type Child = Node | string | false | null | undefined

/** Builds an element; text goes in as text nodes only, never as HTML. */
export function h(
  tag: string,
  props: Record<string, string | boolean | ((event: Event) => void)> = {},
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(key.slice(2), value)
    else if (value === true) element.setAttribute(key, '')
    else if (value !== false) element.setAttribute(key, value)
  }
  for (const child of children) if (child) element.append(child)
  return element
}

/**
 * What both elements share: the `auth` property (or the page default), the `server-url` and
 * `server-name` attributes, a subscription to the server handle while connected, `strings`,
 * a reflected `status` attribute, and the `mcp-` events.
 */
export abstract class McpElement extends Base {
  static get observedAttributes(): string[] {
    return ['server-url', 'server-name', 'scope', 'mode']
  }

  #auth: McpAuth | undefined
  #strings: McpStrings = mergeStrings(undefined)
  #unsubscribe: (() => void) | undefined
  #handle: McpServerHandle | undefined
  #previous: McpServerSnapshot | undefined
  protected readonly root: ShadowRoot

  constructor() {
    super()
    this.root = this.attachShadow({ mode: 'open' })
  }

  /** The core instance; defaults to the one given to `setDefaultMcpAuth()`. */
  get auth(): McpAuth | undefined {
    return this.#auth ?? defaultAuth
  }
  set auth(value: McpAuth | undefined) {
    this.#auth = value
    this.refresh()
  }

  /** Overrides for any user-facing string. */
  get strings(): McpStrings {
    return this.#strings
  }
  set strings(value: Partial<McpStrings> | undefined) {
    this.#strings = mergeStrings(value)
    this.render()
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
    this.refresh()
  }

  disconnectedCallback(): void {
    live.delete(this)
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#handle = undefined
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue) return
    if (name === 'server-url') this.refresh()
    else this.render()
  }

  /** (Re)binds to the handle for the current `auth` and `server-url`. */
  refresh(): void {
    if (!this.isConnected) return
    const url = this.getAttribute('server-url')
    let handle: McpServerHandle | undefined
    try {
      handle = url && this.auth ? this.auth.server(url) : undefined
    } catch {
      handle = undefined
    }
    if (handle !== this.#handle) {
      this.#unsubscribe?.()
      this.#handle = handle
      this.#previous = undefined
      this.#unsubscribe = handle?.subscribe((snapshot) => this.#changed(snapshot))
      if (handle?.getSnapshot().status === 'unknown') handle.probe().catch(() => {})
    }
    if (!handle) this.render()
  }

  #changed(snapshot: McpServerSnapshot): void {
    const previous = this.#previous
    this.#previous = snapshot
    this.setAttribute('status', snapshot.status)
    this.render()
    if (previous?.status !== snapshot.status) {
      this.emit('mcp-status-change', snapshot)
      if (snapshot.status === 'authorized' && previous && previous.status !== 'refreshing') {
        this.emit('mcp-authorized', snapshot)
      }
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
    const errors = this.strings.errors as Record<string, string | undefined>
    return errors[code] ?? this.strings.errors.default
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

  /** Replaces the shadow content; keeps focus on the element with the same `part`. */
  protected show(...children: Child[]): void {
    const focused = this.root.activeElement?.getAttribute('part')
    const style = document.createElement('style')
    style.textContent = STYLES
    this.root.replaceChildren(style, ...children.filter((c): c is Node | string => !!c))
    if (focused) (this.root.querySelector(`[part~="${focused}"]`) as HTMLElement | null)?.focus()
  }

  protected abstract render(): void
}
