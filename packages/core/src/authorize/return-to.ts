import { ConfigurationError } from '../errors.js'

/** The app's origin: the page's, or the redirect URI's outside a browser. */
export function appOrigin(redirectUri: string): string {
  const origin = typeof location === 'undefined' ? undefined : location.origin
  return origin && origin !== 'null' ? origin : new URL(redirectUri).origin
}

/**
 * `value` as an absolute URL when it is a path or a URL on `origin`, else `undefined`. A
 * `javascript:` or `data:` URL has an opaque origin and another site's URL another origin, so
 * neither ever passes: the page a flow returns to cannot run script or leave the app
 * (RFC 9700 §4.11, open redirection).
 */
export function sameOriginUrl(value: unknown, origin: string): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  try {
    const url = new URL(value, `${origin}/`)
    return url.origin === origin ? url.href : undefined
  } catch {
    return undefined
  }
}

/** An explicit `returnTo`, made absolute; anything off the app's origin is refused loudly. */
export function checkReturnTo(value: string | undefined, origin: string): string | undefined {
  if (value === undefined) return undefined
  const url = sameOriginUrl(value, origin)
  if (!url) {
    throw new ConfigurationError(
      'invalid_return_to',
      `returnTo must be a path or a URL on ${origin}, got ${JSON.stringify(String(value))}`,
      { details: { attribute: 'returnTo', expected: origin } },
    )
  }
  return url
}
