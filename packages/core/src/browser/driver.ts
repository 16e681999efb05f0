import type { InteractiveDriver } from '../auth.js'
import { AuthorizationError } from '../errors.js'
import type { DriverSession } from '../server/context.js'
import type { AuthorizationDriverRequest, AuthorizeOptions } from '../types.js'
import { type AckMessage, CHANNEL, isCallbackFor } from './messages.js'
import { readPopup } from './popup-watch.js'

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

function centredFeatures(): string {
  const width = 500
  const height = 700
  const left = Math.max(0, (screenX ?? 0) + ((outerWidth ?? width) - width) / 2)
  const top = Math.max(0, (screenY ?? 0) + ((outerHeight ?? height) - height) / 2)
  return `popup,width=${width},height=${height},left=${Math.round(left)},top=${Math.round(top)}`
}

/** Full-page redirect: the page leaves; `auth.completeRedirect()` finishes on return. */
const redirectSession: DriverSession = {
  navigate(request) {
    location.assign(request.url)
    return new Promise<string>(() => {})
  },
  close() {},
}

/**
 * Waits for the callback of one flow, whichever way it comes first: the popup seen at the
 * redirect URI with this flow's `state` (a single-page app's fallback route needs no code for
 * it), a same-origin `postMessage` from the popup, or a `BroadcastChannel` message when the
 * opener link was cut. Only `location.origin` and this flow's `state` are accepted; the sender
 * gets an acknowledgement so it may close. A popup that stays on this origin without delivering
 * fails the flow with `callback_not_delivered` after `deliveryGraceMs`, never the full timeout.
 */
function waitForCallback(
  popup: Window,
  request: AuthorizationDriverRequest,
  options: BrowserDriverOptions,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
    const ack: AckMessage = { type: 'mcp-oauth:ack', state: request.state }
    const cleanup = () => {
      clearTimeout(timeout)
      clearTimeout(grace)
      clearTimeout(undelivered)
      clearInterval(watch)
      removeEventListener('message', onMessage)
      request.signal.removeEventListener('abort', onAbort)
      channel?.close()
    }
    const fail = (
      code: 'cancelled' | 'timeout' | 'callback_not_delivered',
      message: string,
      details?: Record<string, unknown>,
    ) => {
      cleanup()
      reject(new AuthorizationError(code, message, details ? { details } : {}))
    }
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== location.origin || !isCallbackFor(event.data, request.state)) return
      // Answer on the path the message came by, so the callback page may close.
      const source = event.source as Window | null
      if (source) source.postMessage(ack, location.origin)
      else channel?.postMessage(ack)
      cleanup()
      resolve(event.data.url)
    }
    const onAbort = () => fail('cancelled', 'The authorization was cancelled')
    let grace: ReturnType<typeof setTimeout> | undefined
    let undelivered: ReturnType<typeof setTimeout> | undefined
    const watch = setInterval(() => {
      const view = readPopup(popup, request.redirectUri, request.state)
      if (view.kind === 'callback') {
        cleanup()
        popup.close()
        resolve(view.url)
        return
      }
      if (view.kind !== 'elsewhere') {
        clearTimeout(undelivered)
        undelivered = undefined
      } else {
        undelivered ??= setTimeout(
          () =>
            fail(
              'callback_not_delivered',
              `No authorization response came back from ${view.page}; does ${request.redirectUri} load the kit?`,
              { redirectUri: request.redirectUri, page: view.page },
            ),
          options.deliveryGraceMs ?? 3000,
        )
      }
      if (!popup.closed || grace) return
      request.onPopup?.('closed')
      grace = setTimeout(
        () => fail('cancelled', 'The authorization window was closed'),
        options.closedGraceMs ?? 120_000,
      )
    }, 250)
    const timeout = setTimeout(
      () => fail('timeout', 'No answer from the authorization server in time'),
      options.timeoutMs ?? 600_000,
    )
    addEventListener('message', onMessage)
    if (channel) channel.onmessage = onMessage
    request.signal.addEventListener('abort', onAbort)
  })
}

/**
 * The default browser driver. `begin()` runs synchronously inside the user's click and opens a
 * blank popup at once, so popup blockers let it through; the authorization URL is loaded into it
 * once discovery is done. When the popup is blocked, or with `mode: 'redirect'`, the page itself
 * goes to the authorization server and `auth.completeRedirect()` finishes on its return.
 */
export function browserDriver(options: BrowserDriverOptions = {}): InteractiveDriver {
  return {
    begin(authorize: AuthorizeOptions): DriverSession {
      if (authorize.mode === 'redirect') return redirectSession
      const popup = open('about:blank', '_blank', options.popupFeatures ?? centredFeatures())
      if (!popup) return redirectSession
      return {
        navigate(request) {
          if (popup.closed) {
            return Promise.reject(
              new AuthorizationError('cancelled', 'The authorization window was closed'),
            )
          }
          popup.location.href = request.url
          request.onPopup?.('open')
          return waitForCallback(popup, request, options)
        },
        close() {
          if (!popup.closed) popup.close()
        },
      }
    },
  }
}
