import { callbackParams } from '../authorize/callback-params.js'

/**
 * What the opener can see of its popup at one moment:
 * - `hidden`: on another origin (the authorization server), or the link was cut by COOP;
 * - `blank`: still `about:blank`, before the authorization URL loaded;
 * - `callback`: at the redirect URI with an authorization response for this flow's `state`;
 * - `elsewhere`: back on this origin without a response for this flow (an app route, a
 *   callback page that already stripped its URL, or a response for another flow).
 */
export type PopupView =
  | { readonly kind: 'hidden' | 'blank' }
  | { readonly kind: 'callback'; readonly url: string }
  | { readonly kind: 'elsewhere'; readonly page: string }

/**
 * Reads the popup's location when the same-origin policy allows it. This is what makes a
 * callback served by a single-page app's fallback route work with no code in the popup: the
 * opener takes the response itself, exactly as it would from a `postMessage`.
 */
export function readPopup(popup: Window, redirectUri: string, state: string): PopupView {
  let href: string
  try {
    href = popup.location.href
  } catch {
    return { kind: 'hidden' }
  }
  // Chromium answers `undefined` or `about:blank` for a closed or not yet navigated window.
  if (!href || href === 'about:blank') return { kind: 'blank' }
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return { kind: 'hidden' }
  }
  const expected = new URL(redirectUri)
  // The page without query or fragment: it names where the popup is without carrying the code.
  const page = `${url.origin}${url.pathname}`
  // Readable means same-origin with the opener: whatever is shown there is the app's own page.
  if (url.origin === expected.origin && url.pathname === expected.pathname) {
    const params = callbackParams(url)
    if (params.get('state') === state && (params.has('code') || params.has('error'))) {
      return { kind: 'callback', url: href }
    }
  }
  return { kind: 'elsewhere', page }
}
