import { RegistrationError, type RegistrationRefusal } from '../errors.js'

/**
 * Anything but a client information response (RFC 7591 §3.2.1: `201` with a `client_id`). A
 * refusal is `registration_refused` with its reason: a §3.2.2 error code naming this app's
 * metadata, else `forbidden` for a `403` (an app the server does not accept) or
 * `initial_access_token_required` for a `401` (§3). A `5xx` is a transient `server_error`; the
 * rest is `registration_failed`.
 */
export function registrationFailure(
  endpoint: string,
  status: number,
  body: Record<string, unknown>,
): RegistrationError {
  const { error, error_description: description } = body
  const reason =
    status > 399 &&
    status < 500 &&
    (/^(invalid_redirect_uri|invalid_client_metadata|(unapproved|invalid)_software_statement)$/.test(
      String(error),
    )
      ? (error as RegistrationRefusal)
      : status === 403
        ? 'forbidden'
        : status === 401 && 'initial_access_token_required')
  const code = typeof error === 'string' ? error : undefined
  return new RegistrationError(
    reason ? 'registration_refused' : status > 499 ? 'server_error' : 'registration_failed',
    `Dynamic client registration at ${endpoint} ${reason ? 'was refused' : 'failed'} (HTTP ${status}${code ? ` ${code}` : ''})`,
    {
      details: {
        status,
        ...(reason && { reason }),
        ...(code && { error: code }),
        // What the AS said, bounded: for developers, never shown to users.
        ...(typeof description === 'string' && { description: description.slice(0, 200) }),
      },
    },
  )
}
