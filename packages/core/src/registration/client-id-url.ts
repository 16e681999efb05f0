/**
 * The characters a URI is written with (RFC 3986 §2): the URL parser rewrites any other (a
 * space or tab, a backslash, non-ASCII), so the client ID would not be the URL it names.
 */
const URI_CHARACTERS = /^[\w\-.~:/?#[\]@!$&'()*+,;=%]+$/

/**
 * A URL (already https, or http on a loopback host, and without credentials) that can be a
 * client ID (draft-ietf-oauth-client-id-metadata-document-02 §3): written with URI characters
 * only, a path other than `/`, no `.` or `..` segment as written (the URL parser would remove
 * them, the string would keep them), no fragment.
 */
export function isClientIdentifierUrl(value: string, url: URL): boolean {
  const path = value.replace(/^[a-z]+:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? ''
  return (
    URI_CHARACTERS.test(value) &&
    url.pathname !== '/' &&
    !value.includes('#') &&
    !path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))
  )
}
