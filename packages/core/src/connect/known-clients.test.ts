import { describe, expect, test } from 'vitest'
import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord } from '../contracts/records.js'
import { readKnownClient, writeClient } from './known-clients.js'

const ISSUER = 'https://as.example'
const REDIRECT = 'https://app.example/cb'
const client = (clientId: string): ClientRecord => ({
  v: 1,
  issuer: ISSUER,
  redirectUri: REDIRECT,
  clientId,
  tokenEndpointAuthMethod: 'none',
  kind: 'dynamic',
})

/**
 * An instance whose storage holds `stored` under every key, counts its reads and, with `hold`,
 * answers a read only when the test lets it.
 */
function instance(stored: ClientRecord | undefined, { hold = false } = {}) {
  const reads: string[] = []
  const held: (() => void)[] = []
  const writes: [string, unknown][] = []
  const storage = {
    kind: 'memory',
    async get(key: string) {
      reads.push(key)
      if (hold) await new Promise<void>((resolve) => held.push(resolve))
      return stored
    },
    async set(key: string, value: unknown) {
      writes.push([key, value])
    },
    async delete(key: string) {
      writes.push([key, undefined])
    },
    async keys() {
      return []
    },
  }
  const ctx = { redirectUri: REDIRECT, storage, tabs: { heard: 0 } } as unknown as AuthContext
  const read = () => readKnownClient(ctx, ISSUER, () => {})
  return { ctx, reads, held, writes, read }
}

describe('the stored client, as this page knows it', () => {
  test('read once: the next read is what the first found, without the storage', async () => {
    const page = instance(client('one'))
    expect((await page.read())?.clientId).toBe('one')
    expect((await page.read())?.clientId).toBe('one')
    expect(page.reads).toHaveLength(1)
  })

  test('a message from another tab makes the next read ask the storage again', async () => {
    const page = instance(client('one'))
    await page.read()
    page.ctx.tabs.heard++
    await page.read()
    await page.read()
    expect(page.reads).toHaveLength(2)
  })

  test('a message heard while a read is under way: what it found is not kept', async () => {
    const page = instance(client('one'), { hold: true })
    const first = page.read()
    await expect.poll(() => page.held.length).toBe(1)
    page.ctx.tabs.heard++
    page.held.shift()!()
    await first
    const second = page.read()
    await expect.poll(() => page.held.length).toBe(1)
    page.held.shift()!()
    await second
    expect(page.reads).toHaveLength(2)
  })

  test('a write while a read is under way: the write is what the page knows, not the older read', async () => {
    const page = instance(undefined, { hold: true })
    const reading = page.read()
    await expect.poll(() => page.held.length).toBe(1)
    const [key] = page.reads
    await writeClient(page.ctx, key!, client('written'))
    page.held.shift()!()
    expect(await reading).toBeUndefined()
    expect((await page.read())?.clientId).toBe('written')
    expect(page.reads).toHaveLength(1)
    expect(page.writes).toEqual([[key, client('written')]])
  })

  test('a deleted client is known as none, without the storage', async () => {
    const page = instance(client('one'))
    await page.read()
    const [key] = page.reads
    await writeClient(page.ctx, key!, undefined)
    expect(await page.read()).toBeUndefined()
    expect(page.reads).toHaveLength(1)
    expect(page.writes).toEqual([[key, undefined]])
  })

  test('what one instance knows is not another’s', async () => {
    const first = instance(client('one'))
    const second = instance(client('one'))
    await first.read()
    await second.read()
    expect([first.reads.length, second.reads.length]).toEqual([1, 1])
  })
})
