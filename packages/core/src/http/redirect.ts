/**
 * Whether `response` is a redirect a fetch with `redirect: 'manual'` did not follow: an opaque
 * one (browsers hide where it goes), or a 301, 302, 303, 307 or 308 with a `Location`.
 */
export const isRedirect = (response: Response): boolean =>
  response.type === 'opaqueredirect' ||
  ([301, 302, 303, 307, 308].includes(response.status) && response.headers.has('location'))
