/**
 * The syntax an access token must have to travel in an `Authorization` header: `b64token`
 * (RFC 6750 §2.1) for `Bearer`, the same as `token68` (RFC 9110 §11.2) that RFC 9449 §7.1 uses
 * for `DPoP`. A token with a line break, a space, a quote or a non-ASCII character would make
 * every later request fail before it leaves the page, so it is refused when it arrives.
 */
export const isPresentableToken = (token: string): boolean => /^[\w\-.~+/]+=*$/.test(token)
