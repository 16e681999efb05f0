import type { ReplayableRequest } from '../contracts/fetch.js'
import { TokenError } from '../errors.js'
import { discard } from '../http/fetch-json.js'
import { isRedirect, redirectMethod } from '../http/redirects.js'
import { replayable } from '../http/replayable-request.js'
import { isWithinResource } from '../http/urls.js'

/**
 * Whether `response` is a redirect a fetch with `redirect: 'manual'` did not follow: an opaque
 * one (browsers hide where it goes), or one of the statuses fetch follows, with a `Location`.
 */
const isRedirectAnswer = (response: Response): boolean =>
  response.type === 'opaqueredirect' ||
  (isRedirect(response.status) && response.headers.has('location'))

/** Redirects followed inside the resource before giving up (WHATWG Fetch allows 20). */
const MAX_REDIRECTS = 5

/**
 * Follows the redirects `response` starts, with the token, only inside the resource: a target
 * that is readable and within it is requested as fetch would (RFC 9110 §15.4) through `send`,
 * which presents the token again (a fresh proof for a bound token: RFC 9449 §4.2, `htu` names
 * each hop). Any other redirect, including the opaque one a browser returns, is refused with
 * `redirect_refused` and the token stays. A module of its own: loaded the first time a resource
 * answers with a redirect.
 */
export async function followRedirects(
  request: ReplayableRequest,
  response: Response,
  resource: string,
  send: (request: ReplayableRequest) => Promise<Response>,
): Promise<Response> {
  let current = request
  for (let hops = 0; isRedirectAnswer(response); hops++) {
    discard(response)
    const location = response.headers.get('location')
    const target = location ? new URL(location, current.url).href : undefined
    if (!target || !isWithinResource(target, resource) || hops >= MAX_REDIRECTS) {
      throw new TokenError(
        'redirect_refused',
        `Refused to follow a redirect from ${current.url} to ${target ?? 'an unreadable location'} with the access token: it leaves ${resource}`,
        { details: { from: current.url, to: target, status: response.status } },
      )
    }
    current = redirected(current, target, response.status)
    response = await send(current)
  }
  return response
}

/** The request a redirect asks for (see `http/redirects.ts`), with the same body when it keeps one. */
function redirected(request: ReplayableRequest, target: string, status: number): ReplayableRequest {
  const method = redirectMethod(request.method, status)
  const headers = new Headers()
  request.headers.forEach((value, name) => {
    headers.append(name, value)
  })
  const bodiless = method === 'GET' || method === 'HEAD'
  if (bodiless) headers.delete('content-type')
  return replayable(
    new Request(target, { method, signal: request.signal }),
    headers,
    bodiless ? null : request.body,
  )
}
