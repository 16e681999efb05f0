import type { ReplayableRequest } from '../contracts/fetch.js'
import { AuthorizationError } from '../errors.js'

// The step-up budget: a chunk of its own, loaded with the first 403 `insufficient_scope`, since
// attempts are counted only from a refusal on. Most servers never load it.

/**
 * Step-up state for one server (MCP authorization 2026-07-28, "Step-Up Authorization Flow"):
 * the scopes the last `insufficient_scope` asked for, and attempts per operation.
 */
export class StepUp {
  pending: { operation: string; scopes: string[] } | undefined
  /** Made by the first refusal: most servers never have one. */
  #attempts: Map<string, number> | undefined

  /** Counts one more authorization for the pending operation; refuses past `max`. */
  begin(max: number): void {
    if (!this.pending) return
    const { operation } = this.pending
    const attempts = this.#attempts?.get(operation) ?? 0
    if (attempts >= max) {
      throw new AuthorizationError(
        'step_up_limit',
        `Gave up after ${attempts} authorization attempts for the same operation`,
        { details: { operation, attempts } },
      )
    }
    this.#attempts?.set(operation, attempts + 1)
  }

  refused(operation: string, scopes: string[]): void {
    this.pending = { operation, scopes }
    this.#attempts ??= new Map()
    // The authorization behind the refused token was this operation's first attempt.
    if (!this.#attempts.has(operation)) this.#attempts.set(operation, 1)
  }

  /** Forgets the attempts of `operation`, named only when some are counted: most calls have none. */
  succeeded(operation: () => string): void {
    if (this.#attempts?.size) this.#attempts.delete(operation())
  }
}

/**
 * Names the operation a request performs, for step-up attempt limits per resource and
 * operation (MCP authorization 2026-07-28, "Step-Up Authorization Flow"): the HTTP method and
 * path, plus the JSON-RPC method and tool name when the body is an MCP request. Reads the body
 * the request already holds: nothing is cloned or read again.
 */
export function operationKey({ url, method, body }: ReplayableRequest): string {
  const { origin, pathname } = new URL(url)
  let key = `${method} ${origin}${pathname}`
  if (method !== 'POST' || body === null) return key
  try {
    const message = JSON.parse(
      typeof body === 'string' ? body : new TextDecoder().decode(body),
    ) as {
      method?: unknown
      params?: { name?: unknown }
    }
    if (typeof message.method === 'string') key += ` ${message.method}`
    // Stryker disable next-line OptionalChaining: without params this throws into the catch below, which returns the same key
    if (typeof message.params?.name === 'string') key += ` ${message.params.name}`
  } catch {
    // not JSON: the HTTP method and path name the operation
  }
  return key
}
