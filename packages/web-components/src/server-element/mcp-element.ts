import type { McpAuthError, McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { initialSnapshot } from '@mcp-oauth/core/rules'
import { h } from '../host/dom.js'
import { McpHost } from '../host/host.js'
import { adoptStyles } from '../host/styles.js'
import { ServerController } from './server-controller.js'
import { statusWords } from './status-words.js'
import { errorMessage, type McpStringOverrides, type McpStrings, mergeStrings } from './strings.js'

/** The host of a URL; the value itself when it is not a URL. */
const hostOf = (url = '') => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/**
 * What `<mcp-authorize>` and `<mcp-server-card>` share: the `server-url`, `server-name`,
 * `scope`, `mode` and `probe` attributes (the source of truth, each also a property), and a
 * controller (`ServerController`) that binds them to the server's handle, reflects `status` and
 * dispatches the `mcp-` events.
 *
 * The shadow DOM is built once; updates change text nodes and swap only the part of the view
 * that differs, so focus and the screen reader's place survive them.
 */
export abstract class McpElement extends McpHost<McpStrings, McpStringOverrides> {
  static get observedAttributes(): string[] {
    return ['server-url', 'server-name', 'scope', 'mode', 'probe']
  }

  readonly #server = new ServerController(this, () => this.render())

  constructor() {
    super(adoptStyles, mergeStrings)
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
    return this.#server.handle
  }

  get snapshot(): McpServerSnapshot | undefined {
    return this.handle?.getSnapshot()
  }

  /** The server's display name: `server-name`, the metadata's name, or the host. */
  get displayName(): string {
    return this.serverName || this.snapshot?.resourceName || hostOf(this.serverUrl)
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue !== newValue) this.#server.attributeChanged(name)
  }

  /** The permissions a step-up asks for beyond those already granted. */
  get extraScopes(): string {
    const snapshot = this.snapshot
    const granted = new Set(snapshot?.scopes)
    return (snapshot?.stepUpScopes ?? []).filter((scope) => !granted.has(scope)).join(' ')
  }

  /**
   * What the status is called, as `[pill, sentence]` (see `statusWords`); detached, or before
   * `auth` and `server-url` are known, what a new handle says.
   */
  protected words(): [pill: string, sentence: string] {
    const snapshot = this.snapshot ?? initialSnapshot(this.serverUrl)
    return statusWords(snapshot, this.probe === 'manual', this.strings)
  }

  /** What the strings' `{name}`, `{issuer}` (its host) and `{scopes}` (a step-up's) stand for. */
  protected values(): { name: string; issuer: string; scopes: string } {
    return {
      name: this.displayName,
      issuer: hostOf(this.snapshot?.issuer) || this.strings.none,
      scopes: this.extraScopes,
    }
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

  /**
   * Asks the page (cancelable `mcp-authorize-request`), then starts the authorization
   * synchronously, inside the user's click, so the popup is not blocked.
   */
  protected startAuthorize(): void {
    const handle = this.handle
    if (!handle || !this.#server.emit('mcp-authorize-request', handle.getSnapshot(), true)) return
    const scope = this.getAttribute('scope')
    const mode = this.getAttribute('mode')
    handle
      .authorize({
        ...(scope ? { scope } : {}),
        ...(mode === 'redirect' || mode === 'popup' ? { mode } : {}),
      })
      .catch(() => {})
  }
}
