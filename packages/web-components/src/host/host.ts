import type { McpAuth } from '@mcp-oauth/core'
import type { Controller } from './controller.js'
import { Base, defaultMcpAuth, live } from './page-default.js'

/**
 * What every element of the kit is made on, in the manner of Lit's reactive element: a host of
 * controllers (subscriptions, timers), an open shadow root styled by one constructable
 * stylesheet per class, the `auth` property (else the page default) and the `strings`.
 * Importing it needs no DOM (server-side rendering).
 */
export abstract class McpHost<Strings, Overrides> extends Base {
  readonly #controllers: Controller[] = []
  readonly #merge: (overrides?: Overrides) => Strings
  readonly #style: HTMLStyleElement | undefined
  #auth: McpAuth | undefined
  #strings: Strings
  protected readonly root: ShadowRoot
  /** Changes whenever `strings` is set, so views that show strings are rebuilt. */
  protected stringsVersion = 0

  constructor(
    adopt: (root: ShadowRoot) => HTMLStyleElement | undefined,
    merge: (overrides?: Overrides) => Strings,
  ) {
    super()
    this.#merge = merge
    this.#strings = merge()
    this.root = this.attachShadow({ mode: 'open' })
    this.#style = adopt(this.root)
  }

  /**
   * Adds a controller: from now on it hears of connection, updates and removal.
   * @internal For the element classes and their controllers.
   */
  addController(controller: Controller): void {
    this.#controllers.push(controller)
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
  get strings(): Strings {
    return this.#strings
  }
  set strings(value: Overrides | undefined) {
    this.#strings = this.#merge(value)
    this.stringsVersion++
    this.render()
  }

  connectedCallback(): void {
    live.add(this)
    for (const controller of this.#controllers) controller.hostConnected?.()
    this.refresh()
  }

  disconnectedCallback(): void {
    live.delete(this)
    for (const controller of this.#controllers) controller.hostDisconnected?.()
  }

  /**
   * Follows `auth` (or the page default) again, and what the element's controllers follow (for
   * `<mcp-authorize>` and `<mcp-server-card>`: the handle for `server-url`, probed when `probe`
   * is `auto` and nothing is known yet), then renders.
   */
  refresh(): void {
    for (const controller of this.#controllers) controller.hostUpdate?.()
    this.render()
  }

  /** Makes `container` the shadow root's content (none: empty), keeping the fallback style. */
  protected frame(container: HTMLElement | undefined): void {
    const nodes: Node[] = container ? [container] : []
    if (this.#style) nodes.unshift(this.#style)
    this.root.replaceChildren(...nodes)
  }

  protected abstract render(): void
}
