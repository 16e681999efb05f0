/**
 * An authorization driver for Node, tests and CLIs: it plays the demo user against the demo
 * authorization server. It follows redirects itself with a cookie jar, signs in, presses Allow
 * (or Deny), and resolves with the URL the server finally redirects to: the client's callback,
 * which it never fetches.
 * @param {{ deny?: boolean, user?: string }} [options]
 * @returns {(request: { url: string, redirectUri: string }) => Promise<string>}
 */
export function headlessDriver(options = {}) {
  return async ({ url, redirectUri }) => {
    const jar = new Map()
    const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const remember = (response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';')
        const index = pair.indexOf('=')
        jar.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim())
      }
    }
    const request = async (target, init = {}) => {
      const response = await fetch(target, {
        ...init,
        redirect: 'manual',
        headers: { ...init.headers, cookie: cookieHeader() },
      })
      remember(response)
      return response
    }

    let next = url
    let init = {}
    for (let hop = 0; hop < 20; hop++) {
      const response = await request(next, init)
      init = {}
      const location = response.headers.get('location')
      if (location) {
        const target = new URL(location, next).href
        if (target.startsWith(redirectUri)) return target
        next = target
        continue
      }
      const html = await response.text()
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
      if (response.status !== 200 || !action) {
        throw new Error(`The authorization server answered ${response.status} at ${next}`)
      }
      const body = html.includes('name="login"')
        ? new URLSearchParams({ login: options.user ?? 'demo' })
        : new URLSearchParams({ decision: options.deny ? 'deny' : 'allow' })
      next = new URL(action.replaceAll('&amp;', '&'), next).href
      init = {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }
    }
    throw new Error('Too many redirects during authorization')
  }
}
