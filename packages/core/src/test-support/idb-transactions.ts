import { vi } from 'vitest'

/** Counts the IndexedDB transactions opened from now on. */
export function countTransactions(): () => number {
  let transactions = 0
  const open = IDBDatabase.prototype.transaction
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    transactions++
    return open.apply(this, args)
  })
  return () => transactions
}
