export { isRedirect } from './redirect-status.js'

/** The method a redirect asks for: see {@link redirected}. */
export function redirectMethod(method: string, status: number): string {
  const toGet = status === 303 || ((status === 301 || status === 302) && method === 'POST')
  return toGet && method !== 'HEAD' ? 'GET' : method
}

/**
 * The request a redirect to `target` asks for: 303, and 301/302 after POST, become a GET without
 * a body (RFC 9110 §15.4); any other keeps its method and body.
 */
export async function redirected(
  request: Request,
  target: string,
  status: number,
): Promise<Request> {
  const method = redirectMethod(request.method, status)
  const headers = new Headers(request.headers)
  if (method === 'GET' || method === 'HEAD') {
    headers.delete('content-type')
    return new Request(target, { method, headers, signal: request.signal })
  }
  const body = await request.arrayBuffer()
  return new Request(target, { method, headers, body, signal: request.signal })
}
