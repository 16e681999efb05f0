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
