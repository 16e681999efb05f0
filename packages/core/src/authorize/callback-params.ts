/** Reads authorization response parameters from a callback URL (query, or fragment if empty). */
export function callbackParams(callbackUrl: string | URL): URLSearchParams {
  const url = new URL(callbackUrl)
  if (url.search) return new URLSearchParams(url.search)
  return new URLSearchParams(url.hash.slice(1))
}
