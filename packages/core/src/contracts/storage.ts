/**
 * Where the kit keeps tokens, client registrations and pending flows. Values are plain,
 * structured-clonable objects. Implementations must not throw for a missing key, and must
 * reject a write they could not make: the kit reports it as `storage_failed` and never
 * assumes it happened.
 */
export interface TokenStorage {
  /** Reported in snapshots: `memory` means tokens are lost on reload. */
  readonly kind: 'indexeddb' | 'memory' | 'custom'
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>
  /**
   * Optional: every key with its value, read at once (one IndexedDB transaction).
   * `auth.restore()` loads every stored server with one call; without it, it lists the keys
   * and each server reads its own record when first used.
   */
  entries?(): Promise<[string, unknown][]>
}
