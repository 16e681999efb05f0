import type { RelayErrorReason } from './types.js'
import { ERROR_HEADER } from './wire.js'

/** The status of each reason: 4xx for what the relay refuses, 5xx for what it could not do. */
const STATUS: Readonly<Record<RelayErrorReason, number>> = {
  origin_not_allowed: 403,
  target_not_allowed: 403,
  insecure_target: 403,
  private_address: 403,
  invalid_target: 400,
  method_not_allowed: 405,
  body_too_large: 413,
  timeout: 504,
  upstream_unreachable: 502,
  issuer_metadata_unavailable: 502,
  aborted: 502,
}

/** A refusal or failure of the relay itself, before or instead of an upstream answer. */
export class RelayRefusal {
  readonly status: number

  constructor(
    readonly reason: RelayErrorReason,
    readonly message: string,
  ) {
    this.status = STATUS[reason]
  }

  /** `relay_refused` for the page's request, `relay_failed` for the target or the network. */
  get outcome(): 'refused' | 'failed' {
    return this.status < 500 ? 'refused' : 'failed'
  }
}

/**
 * The relay's answer to a refusal: the status, `mcp-relay-error: <reason>`, and a JSON body
 * `{ "error": "relay_refused" | "relay_failed", "reason", "message" }` a kit turns into a typed
 * error. `headers` carries the CORS headers when the page may read it.
 */
export function refusalResponse(refusal: RelayRefusal, headers: Headers): Response {
  headers.set('content-type', 'application/json')
  headers.set('cache-control', 'no-store')
  headers.set(ERROR_HEADER, refusal.reason)
  if (refusal.reason === 'method_not_allowed') headers.set('allow', 'GET, POST, DELETE, OPTIONS')
  const body = {
    error: `relay_${refusal.outcome}`,
    reason: refusal.reason,
    message: refusal.message,
  }
  return new Response(JSON.stringify(body), { status: refusal.status, headers })
}
