import { McpAuthError } from '../errors.js'

/** A 5xx is transient: keep state, surface a retryable error. */
export function serverError(url: string, status: number): McpAuthError {
  return new McpAuthError('server_error', `${url} answered HTTP ${status}`, { details: { status } })
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

/** Releases a body that will not be read. Never awaited: some fetch implementations settle late. */
export function discard(response: Response): undefined {
  response.body?.cancel().catch(() => {})
}
