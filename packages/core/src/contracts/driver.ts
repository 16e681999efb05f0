import type { AuthorizeOptions } from './authorize.js'
import type { PopupState } from './snapshot.js'

/**
 * Turns an authorization URL into the callback URL the AS redirected to.
 * The browser default opens a popup (or redirects the page); a headless driver serves Node,
 * tests and CLIs.
 */
export type AuthorizationDriver = (request: AuthorizationDriverRequest) => Promise<string>

export interface AuthorizationDriverRequest {
  /** The validated authorization URL (https, or http on loopback). */
  readonly url: string
  /** The redirect URI registered for this client. */
  readonly redirectUri: string
  /** The `state` of this flow. */
  readonly state: string
  readonly signal: AbortSignal
  /** A driver with a window reports it here: `open` once navigated, `closed` when it closes. */
  readonly onPopup?: (state: PopupState) => void
}

/** One authorization's window (or none, for headless drivers). */
export interface DriverSession {
  /** Sends the user to `url`; resolves with the callback URL. */
  navigate(request: AuthorizationDriverRequest): Promise<string>
  /** Releases the window, if any. */
  close(): void
}

/** A driver that can open its window synchronously inside a click. */
export interface InteractiveDriver {
  begin(options: AuthorizeOptions): DriverSession
}

/** Options of the browser driver: its popup, and how long a flow waits. */
export interface BrowserDriverOptions {
  /** `window.open` features. Default: a centred 500×700 window. */
  popupFeatures?: string
  /**
   * How long to keep waiting after the popup reports `closed`. `closed` is also true when a
   * Cross-Origin-Opener-Policy on the authorization server cut the link while the user is still
   * signing in, so it never cancels a flow by itself. Default 120 000 ms.
   */
  closedGraceMs?: number
  /** Gives up on a flow after this long. Default 600 000 ms (the pending record's lifetime). */
  timeoutMs?: number
  /**
   * How long the popup may sit on this app's origin without delivering a response for the flow
   * (a page that is not the callback, or a callback page that understood nothing) before the
   * flow fails with `callback_not_delivered`. Default 3000 ms.
   */
  deliveryGraceMs?: number
}
