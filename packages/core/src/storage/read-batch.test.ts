import 'fake-indexeddb/auto'
import { afterEach, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { REDIRECT } from '../test-support/harness.js'
import { indexedDbStorage } from './indexeddb.js'

/** Counts the IndexedDB transactions opened from now on. */
function countTransactions(): () => number {
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

test('50 fresh servers probed at once cost a handful of IndexedDB transactions, not three each', async () => {
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: indexedDbStorage(`probes-${Math.random()}`),
    // Servers that let anyone in: the probe reads what is stored, sends one request, and ends.
    fetch: async () => new Response('{}', { status: 200 }),
    driver: async (request) => request.url,
  })
  const handles = [...Array(50).keys()].map((i) => auth.server(`https://mcp${i}.example.com/mcp`))
  // The database opens (one transaction of its own) before the count starts.
  await handles[0]!.probe()
  const transactions = countTransactions()
  const snapshots = await Promise.all(handles.slice(1).map((handle) => handle.probe()))
  expect(snapshots.map((snapshot) => snapshot.status)).toEqual(Array(49).fill('open'))
  expect(transactions()).toBeLessThanOrEqual(3)
})
