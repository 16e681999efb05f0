import { McpAuthError, networkError } from '../errors.js'

export type FetchLike = typeof fetch

/** Result of a metadata GET: the parsed JSON object, or why there is none. */
export type JsonResult =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; status: number; reason: 'not_found' | 'http_error' | 'not_json' }

/**
 * GETs a metadata document. A 2xx JSON object is `ok`; anything else is a miss the caller may
 * fall through. Only transport failures throw (as `network_error`).
 */
export async function getJson(
  fetchFn: FetchLike,
  url: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<JsonResult> {
  let response: Response
  try {
    response = await fetchFn(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...headers },
      redirect: 'manual',
      ...(signal ? { signal } : {}),
    })
  } catch (cause) {
    if (signal?.aborted) throw cause
    throw networkError(url, cause)
  }
  if (response.status !== 200) {
    discard(response)
    return {
      ok: false,
      status: response.status,
      reason: response.status === 404 || response.status === 410 ? 'not_found' : 'http_error',
    }
  }
  try {
    const body: unknown = await response.json()
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      return { ok: true, status: response.status, body: body as Record<string, unknown> }
    }
  } catch {
    // fall through: not JSON
  }
  return { ok: false, status: response.status, reason: 'not_json' }
}

/** A 5xx is transient: keep state, surface a retryable error. */
export function serverError(url: string, status: number): McpAuthError {
  return new McpAuthError('server_error', `${url} answered HTTP ${status}`, { details: { status } })
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

/** Releases a body that will not be read. Never awaited: some fetch implementations settle late. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => {})
}
