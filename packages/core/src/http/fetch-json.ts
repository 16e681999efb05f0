import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { McpAuthError } from '../errors.js'
import { transportError } from './transport-error.js'

/** Result of a metadata GET: the parsed JSON object, or the status of a miss. */
export type JsonResult = { ok: true; body: Record<string, unknown> } | { ok: false; status: number }

/**
 * GETs a metadata document. A 200 JSON object is `ok`; anything else (another status, not JSON,
 * not an object) is a miss the caller may fall through. Only transport failures throw (as
 * `network_error` or `cors_blocked` for `step`, or the abort reason when `signal` aborted).
 */
export async function getJson(
  fetchFn: FetchLike,
  url: string,
  step: RequestStep,
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
    throw await transportError(fetchFn, url, step, cause)
  }
  const { status } = response
  if (status === 200) {
    try {
      const body: unknown = await response.json()
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        return { ok: true, body: body as Record<string, unknown> }
      }
    } catch {
      // fall through: not JSON
    }
  } else discard(response)
  return { ok: false, status }
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
