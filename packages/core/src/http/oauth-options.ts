import * as oauth from 'oauth4webapi'
import type { FetchLike } from './fetch-json.js'
import { isInsecureLoopback } from './urls.js'

/**
 * Options for an oauth4webapi request to `url`: the app's fetch, and plain http allowed only
 * when the endpoint is on a loopback host (oauth4webapi has no loopback exemption of its own).
 */
export function oauthRequestOptions(fetchFn: FetchLike, url: string | undefined) {
  return {
    [oauth.customFetch]: fetchFn,
    ...(url && isInsecureLoopback(url) ? { [oauth.allowInsecureRequests]: true } : {}),
  }
}
