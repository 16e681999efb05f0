import 'fake-indexeddb/auto'
import { createStore, get, keys } from 'idb-keyval'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { defaultStorage, indexedDbStorage } from './indexeddb.js'

/** An IndexedDB that refuses to open, as in some private modes. */
const refusing = {
  open() {
    throw new DOMException('blocked', 'SecurityError')
  },
} as unknown as IDBFactory

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('IndexedDB storage', () => {
  test("records live in the object store 'records' of the database 'mcp-oauth' by default", async () => {
    const storage = indexedDbStorage()
    await storage.set('tokens:default-db', { v: 1 })
    const store = createStore('mcp-oauth', 'records')
    expect(await get('tokens:default-db', store)).toEqual({ v: 1 })
    await storage.delete('tokens:default-db')
    expect(await keys(store)).not.toContain('tokens:default-db')
  })

  test('a database of another name is another storage', async () => {
    const name = `named-${Math.random()}`
    await indexedDbStorage(name).set('tokens:x', { v: 1 })
    expect(await get('tokens:x', createStore(name, 'records'))).toEqual({ v: 1 })
    expect(await indexedDbStorage(`other-${Math.random()}`).get('tokens:x')).toBeUndefined()
  })

  test('keys lists only the keys with the prefix, as strings', async () => {
    const storage = indexedDbStorage(`keys-${Math.random()}`)
    await storage.set('tokens:a', 1)
    await storage.set('tokens:b', 2)
    await storage.set('pending:c', 3)
    expect((await storage.keys('tokens:')).sort()).toEqual(['tokens:a', 'tokens:b'])
    expect(await storage.keys('pending:')).toEqual(['pending:c'])
  })

  test('a failed write rejects with storage_failed, and IndexedDB stays in use for the rest', async () => {
    const name = `failing-${Math.random()}`
    const storage = indexedDbStorage(name)
    await storage.set('tokens:a', { v: 1 })
    // A function cannot be stored (DataCloneError), like a document too deep to clone.
    await expect(storage.set('tokens:b', () => {})).rejects.toMatchObject({
      name: 'McpAuthError',
      code: 'storage_failed',
    })
    expect(storage.kind).toBe('indexeddb')
    await storage.set('tokens:c', { v: 3 })
    await storage.delete('tokens:a')
    const raw = createStore(name, 'records')
    expect(await get('tokens:c', raw)).toEqual({ v: 3 })
    expect(await get('tokens:a', raw)).toBeUndefined()
    expect(await indexedDbStorage(name).get('tokens:c')).toEqual({ v: 3 })
  })

  test('a failed delete rejects with storage_failed and keeps the record', async () => {
    const name = `failing-delete-${Math.random()}`
    const storage = indexedDbStorage(name)
    await storage.set('tokens:a', { v: 1 })
    const spy = vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementationOnce(() => {
      throw new DOMException('The disk is full', 'QuotaExceededError')
    })
    try {
      await expect(storage.delete('tokens:a')).rejects.toMatchObject({ code: 'storage_failed' })
    } finally {
      spy.mockRestore()
    }
    expect(storage.kind).toBe('indexeddb')
    expect(await storage.get('tokens:a')).toEqual({ v: 1 })
  })

  test('entries reads the whole store in one transaction', async () => {
    const name = `batch-${Math.random()}`
    const storage = indexedDbStorage(name)
    await storage.set('tokens:a', { v: 1 })
    await storage.set('generation:a', 4)
    await storage.set('tokens:b', { v: 2 })
    let transactions = 0
    const open = IDBDatabase.prototype.transaction
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
      this: IDBDatabase,
      ...args: Parameters<IDBDatabase['transaction']>
    ) {
      transactions++
      return open.apply(this, args)
    })
    try {
      const entries = await storage.entries!()
      expect(transactions).toBe(1)
      expect(new Map(entries)).toEqual(
        new Map<string, unknown>([
          ['tokens:a', { v: 1 }],
          ['tokens:b', { v: 2 }],
          ['generation:a', 4],
        ]),
      )
    } finally {
      spy.mockRestore()
    }
  })

  test('the memory fallback keeps, lists and deletes records like IndexedDB does', async () => {
    vi.stubGlobal('indexedDB', refusing)
    const storage = indexedDbStorage(`broken-${Math.random()}`)
    expect(storage.kind).toBe('indexeddb')
    await storage.set('tokens:a', { v: 1 })
    expect(storage.kind).toBe('memory')
    await storage.set('pending:b', { v: 2 })
    expect(await storage.keys('tokens:')).toEqual(['tokens:a'])
    await storage.delete('tokens:a')
    expect(await storage.get('tokens:a')).toBeUndefined()
    expect(await storage.keys('tokens:')).toEqual([])
    expect(await storage.get('pending:b')).toEqual({ v: 2 })
  })

  test('without IndexedDB at all: memory from the start', async () => {
    vi.stubGlobal('indexedDB', undefined)
    const storage = indexedDbStorage(`absent-${Math.random()}`)
    expect(storage.kind).toBe('memory')
    await storage.set('tokens:a', { v: 1 })
    expect(await storage.get('tokens:a')).toEqual({ v: 1 })
  })
})

describe('defaultStorage', () => {
  test('IndexedDB where there is one', async () => {
    const storage = defaultStorage()
    expect(storage.kind).toBe('indexeddb')
    await storage.set('tokens:default-storage', { v: 1 })
    expect(await get('tokens:default-storage', createStore('mcp-oauth', 'records'))).toEqual({
      v: 1,
    })
    await storage.delete('tokens:default-storage')
  })

  test('memory where there is none (Node, workers)', async () => {
    vi.stubGlobal('indexedDB', undefined)
    const storage = defaultStorage()
    expect(storage.kind).toBe('memory')
    await storage.set('k', { v: 1 })
    expect(await storage.get('k')).toEqual({ v: 1 })
  })
})
