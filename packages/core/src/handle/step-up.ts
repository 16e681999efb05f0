import { AuthorizationError } from '../errors.js'

/**
 * Step-up state for one server (MCP authorization 2026-07-28, "Step-Up Authorization Flow"):
 * the scopes the last `insufficient_scope` asked for, and attempts per operation.
 */
export class StepUp {
  pending: { operation: string; scopes: string[] } | undefined
  readonly #attempts = new Map<string, number>()

  /** Counts one more authorization for the pending operation; refuses past `max`. */
  begin(max: number): void {
    if (!this.pending) return
    const { operation } = this.pending
    const attempts = this.#attempts.get(operation) ?? 0
    if (attempts >= max) {
      throw new AuthorizationError(
        'step_up_limit',
        `Gave up after ${attempts} authorization attempts for the same operation`,
        { details: { operation, attempts } },
      )
    }
    this.#attempts.set(operation, attempts + 1)
  }

  refused(operation: string, scopes: string[]): void {
    this.pending = { operation, scopes }
    // The authorization behind the refused token was this operation's first attempt.
    if (!this.#attempts.has(operation)) this.#attempts.set(operation, 1)
  }

  succeeded(operation: string): void {
    this.#attempts.delete(operation)
  }
}
