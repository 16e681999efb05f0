import type { McpAuth, McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { authorizationChange, isSecureUrl } from '@mcp-oauth/core/rules'
import type { Controller } from '../host/controller.js'
import { Subscription } from '../host/subscription.js'
import { Timer } from '../host/timer.js'

/**
 * When an element probes on its own (`probe="auto"`, the default): only once `server-url` has
 * stayed the same for this long, so a URL bound to a text input is not probed while the user
 * is still typing it. Keystrokes come 100–250 ms apart; 400 ms still feels immediate.
 */
export const PROBE_DEBOUNCE_MS = 400

/** Detail of `mcp-error`: a stable code and the element's own message, never the server's. */
export interface McpErrorDetail {
  code: string
  message: string
}

/** What the controller needs of its element. */
export interface ServerHost extends HTMLElement {
  readonly auth: McpAuth | undefined
  readonly probe: 'auto' | 'manual'
  addController(controller: Controller): void
  refresh(): void
  errorMessage(code: string): string
}

/**
 * The element's bond with the server handle for its `server-url`: it subscribes while the
 * element is connected, probes when `probe` is `auto` and nothing is known yet (only a URL the
 * core accepts, once it has stopped changing), reflects the status as the `status` attribute,
 * and dispatches the `mcp-` events, bubbling and composed.
 */
export class ServerController implements Controller {
  readonly #host: ServerHost
  readonly #render: () => void
  readonly #handle: Subscription<McpServerHandle>
  /** A URL bound to a text input changes on every keystroke: it binds once it settles. */
  readonly #settle: Timer
  #previous: McpServerSnapshot | undefined

  constructor(host: ServerHost, render: () => void) {
    this.#host = host
    this.#render = render
    // Added first: it has moved to the current handle when this controller's own turn comes.
    this.#handle = new Subscription(
      host,
      () => this.#select(),
      (handle) => {
        this.#previous = undefined
        return handle.subscribe((snapshot) => this.#changed(snapshot))
      },
    )
    this.#settle = new Timer(host, PROBE_DEBOUNCE_MS, () => host.refresh())
    host.addController(this)
  }

  /** The server handle for `server-url`, once `auth` and the URL are known. */
  get handle(): McpServerHandle | undefined {
    return this.#handle.source
  }

  /**
   * Once the subscription has moved to the handle for the current `auth` and `server-url`:
   * probes it when `probe` is `auto` and nothing is known yet. With `auto`, a URL the core
   * would refuse (not a URL, or not `https:` outside loopback) binds nothing.
   */
  hostUpdate(): void {
    this.#settle.stop()
    const handle = this.handle
    if (!handle) this.#host.removeAttribute('status')
    else if (this.#host.probe === 'auto' && handle.getSnapshot().status === 'unknown') {
      handle.probe().catch(() => {})
    }
  }

  hostDisconnected(): void {
    this.#host.removeAttribute('status')
  }

  /** An observed attribute changed: the URL and `probe` rebind, the others only render. */
  attributeChanged(name: string): void {
    const host = this.#host
    if (name === 'server-url' && host.isConnected && host.probe === 'auto') {
      this.#settle.stop()
      this.#settle.start()
    } else if (name === 'server-url' || name === 'probe') host.refresh()
    else this.#render()
  }

  /** Dispatches an `mcp-` event from the element; `false` when a listener vetoed it. */
  emit(type: string, detail: unknown, cancelable = false): boolean {
    return this.#host.dispatchEvent(
      new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }),
    )
  }

  #select(): McpServerHandle | undefined {
    const { auth, probe } = this.#host
    const url = this.#host.getAttribute('server-url')
    try {
      if (url && auth && (probe === 'manual' || isSecureUrl(url))) return auth.server(url)
    } catch {}
    return undefined
  }

  #changed(snapshot: McpServerSnapshot): void {
    const previous = this.#previous
    this.#previous = snapshot
    this.#host.setAttribute('status', snapshot.status)
    this.#render()
    if (previous?.status !== snapshot.status) {
      this.emit('mcp-status-change', snapshot)
      const change = authorizationChange(previous, snapshot)
      if (change === 'authorized') this.emit('mcp-authorized', snapshot)
      if (change === 'restored') this.emit('mcp-restored', snapshot)
    }
    if (snapshot.error && snapshot.error !== previous?.error) {
      this.emit('mcp-error', {
        code: snapshot.error.code,
        message: this.#host.errorMessage(snapshot.error.code),
      } satisfies McpErrorDetail)
    }
  }
}
