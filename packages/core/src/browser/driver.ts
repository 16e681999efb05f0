import type { AuthorizeOptions } from '../contracts/authorize.js'
import type { BrowserDriverOptions, DriverSession, InteractiveDriver } from '../contracts/driver.js'
import { AuthorizationError } from '../errors.js'

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
