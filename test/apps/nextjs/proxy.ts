import { type NextRequest, NextResponse } from 'next/server'

/**
 * A fresh nonce per request in a strict policy. Next reads the nonce from the request's
 * `Content-Security-Policy` header and puts it on its own inline bootstrap scripts; with
 * `'strict-dynamic'` the chunks those scripts load are trusted too. Nothing inline otherwise,
 * and `connect-src` lists the MCP and authorization servers (known at run time here).
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID())
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    `connect-src 'self' ${process.env.CONNECT_SRC ?? ''}`.trim(),
  ].join('; ')
  const headers = new Headers(request.headers)
  headers.set('content-security-policy', policy)
  const response = NextResponse.next({ request: { headers } })
  response.headers.set('content-security-policy', policy)
  return response
}

export const config = {
  // Pages only: static chunks need no policy of their own.
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }],
}
