import type { McpServerStatus } from '../contracts/snapshot.js'
import { AuthorizationError, asMcpAuthError, McpAuthError } from '../errors.js'

/** Why a flow failed, as a typed error: anything thrown after an abort is a cancellation. */
export function flowFailure(error: unknown, signal: AbortSignal): McpAuthError {
  if (signal.aborted && !(error instanceof McpAuthError)) {
    return new AuthorizationError('cancelled', 'The authorization was cancelled', { cause: error })
  }
  return asMcpAuthError(error)
}

/** The status a failed flow leaves: `cancelled` for the user's choice, else `error`. */
export function statusAfterFailure(
  reason: McpAuthError,
  current: McpServerStatus,
): McpServerStatus {
  if (reason.code === 'access_denied' || reason.code === 'cancelled') return 'cancelled'
  return current === 'needs-client-id' ? 'needs-client-id' : 'error'
}
