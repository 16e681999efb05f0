import { callbackParams } from '../authorize/callback-params.js'
import type { McpAuth } from '../contracts/instance.js'

type Completion = Awaited<ReturnType<McpAuth['completeRedirect']>>

/**
 * When the app's own bundle starts on the redirect URI with an authorization response (a
 * single-page app whose fallback route serves the callback, in a popup or after a full-page
 * redirect), hands the response to the window that started the flow, exactly as a dedicated
 * callback page would: the URL stripped first, then same-origin `postMessage` to the opener, then
 * `BroadcastChannel`. When no window claims it (a full-page redirect), this page finishes the
 * flow with `auth.completeRedirect(url)` and puts the return URL in the address bar.
 *
 * Resolves like `completeRedirect()`: `undefined` once delivered (this popup is closing).
 * Returns `undefined` at once, touching nothing, outside a browser or on any other page.
 */
export function finishLandedCallback(
  redirectUri: string,
  auth: Pick<McpAuth, 'completeRedirect'>,
): Promise<Completion> | undefined {
  if (typeof location === 'undefined' || typeof history === 'undefined') return undefined
  const here = new URL(location.href)
  const expected = new URL(redirectUri)
  if (here.origin !== expected.origin || here.pathname !== expected.pathname) return undefined
  const params = callbackParams(here)
  if (!params.get('state') || !(params.has('code') || params.has('error'))) return undefined
  // The response leaves the address bar at once; the delivery code loads as a chunk of its own.
  history.replaceState(null, '', here.pathname)
  const finished = import('./callback-page.js').then(async ({ handleCallback }) => {
    const result = await handleCallback({ url: here.href })
    if (result.delivered) return undefined
    const done = await auth.completeRedirect(result.url)
    if (done?.returnTo) history.replaceState(history.state, '', done.returnTo)
    return done
  })
  // Nothing is thrown at the page: `completeRedirect()` hands the app this promise.
  finished.catch(() => {})
  return finished
}
