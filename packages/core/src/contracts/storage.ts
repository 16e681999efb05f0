/**
 * Where the kit keeps tokens, client registrations and pending flows. Values are plain,
 * structured-clonable objects. Implementations must not throw for a missing key.
 */
export interface TokenStorage {
  /** Reported in snapshots: `memory` means tokens are lost on reload. */
  readonly kind: 'indexeddb' | 'memory' | 'custom'
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>
}
