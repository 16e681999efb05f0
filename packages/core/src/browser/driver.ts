import type { InteractiveDriver } from '../auth.js'
import { AuthorizationError } from '../errors.js'
import type { DriverSession } from '../server/context.js'
import type { AuthorizeOptions } from '../types.js'

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
          // The listening code loads while the user signs in: an app with a driver of its own
          // never ships it.
          return import('./wait-for-callback.js').then((m) =>
            m.waitForCallback(popup, request, options),
          )
        },
        close() {
          if (!popup.closed) popup.close()
        },
      }
    },
  }
}
