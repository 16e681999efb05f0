import 'fake-indexeddb/auto'
import { afterEach, expect, test, vi } from 'vitest'
import { countTransactions } from '../test-support/idb-transactions.js'
import { indexedDbStorage } from './indexeddb.js'

afterEach(() => {
  vi.restoreAllMocks()
})

test('reads asked for together share one IndexedDB transaction, each with its own value', async () => {
  const storage = indexedDbStorage(`batch-${Math.random()}`)
  for (let i = 0; i < 50; i++) await storage.set(`tokens:${i}`, { i })
  const transactions = countTransactions()
  const keys = [...Array(50).keys()].map((i) => `tokens:${i}`)
  const values = await Promise.all([...keys.map((key) => storage.get(key)), storage.get('none')])
  expect(values).toEqual([...keys.map((_, i) => ({ i })), undefined])
  expect(transactions()).toBe(1)
  // A read after the batch is a batch of its own, and sees the writes made meanwhile.
  await storage.set('tokens:0', { i: 'new' })
  expect(await storage.get('tokens:0')).toEqual({ i: 'new' })
  expect(transactions()).toBe(3)
})

test('a batch that fails rejects each of its reads with storage_failed, and the next batch reads again', async () => {
  const storage = indexedDbStorage(`batch-failing-${Math.random()}`)
  await storage.set('tokens:a', 1)
  const open = IDBDatabase.prototype.transaction
  const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(() => {
    throw new DOMException('gone', 'InvalidStateError')
  })
  const reads = await Promise.allSettled([storage.get('tokens:a'), storage.get('tokens:b')])
  expect(reads.map((read) => read.status)).toEqual(['rejected', 'rejected'])
  for (const read of reads) {
    expect((read as PromiseRejectedResult).reason).toMatchObject({ code: 'storage_failed' })
  }
  spy.mockImplementation(function (this: IDBDatabase, ...args) {
    return open.apply(this, args)
  })
  expect(storage.kind).toBe('indexeddb')
  expect(await storage.get('tokens:a')).toBe(1)
})
