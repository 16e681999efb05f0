import { describe, expect, test } from 'vitest'
import { RECORD_VERSION } from '../contracts/records.js'
import { keys } from '../storage/records.js'
import { instrumented } from '../test-support/harness.js'
import {
  REMEMBER_REFUSAL_MS,
  refusesAccessTokenRevocation,
  rememberAccessTokenRefusal,
} from './revocation-memory.js'

type Storage = Parameters<typeof refusesAccessTokenRevocation>[0]

const ISSUER = 'https://as.example'
const DAY = 24 * 60 * 60 * 1000
const NOW = Date.UTC(2026, 0, 1)

/** A storage that keeps values in a map, counted and faultable through `instrumented`. */
function mapStorage() {
  const map = new Map<string, unknown>()
  const inner: Storage = {
    kind: 'custom',
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  }
  return { map, ...instrumented(inner) }
}

describe('how long a refused access-token revocation is remembered', () => {
  test('thirty days, to the millisecond', () => {
    expect(REMEMBER_REFUSAL_MS).toBe(30 * DAY)
  })

  test('a refusal is stored under the issuer with the date the server is asked again', async () => {
    const { storage, map } = mapStorage()
    await rememberAccessTokenRefusal(storage, ISSUER, NOW)
    expect([...map]).toEqual([
      [keys.revocation(ISSUER), { v: RECORD_VERSION, issuer: ISSUER, until: NOW + 30 * DAY }],
    ])
  })

  test('remembered until the last millisecond of the thirty days, asked again from then on', async () => {
    const { storage } = mapStorage()
    await rememberAccessTokenRefusal(storage, ISSUER, NOW)
    const refused = (at: number) => refusesAccessTokenRevocation(storage, ISSUER, at)
    expect(await refused(NOW)).toBe(true)
    expect(await refused(NOW + 29 * DAY)).toBe(true)
    expect(await refused(NOW + 30 * DAY - 1)).toBe(true)
    expect(await refused(NOW + 30 * DAY)).toBe(false)
    expect(await refused(NOW + 31 * DAY)).toBe(false)
  })

  test('the memory is per issuer', async () => {
    const { storage } = mapStorage()
    await rememberAccessTokenRefusal(storage, ISSUER, NOW)
    expect(await refusesAccessTokenRevocation(storage, 'https://other.example', NOW)).toBe(false)
  })

  test('a record of another version, without its date or unreadable is no memory', async () => {
    const { storage, map, control } = mapStorage()
    const key = keys.revocation(ISSUER)
    expect(await refusesAccessTokenRevocation(storage, ISSUER, NOW)).toBe(false)
    map.set(key, { v: RECORD_VERSION + 1, issuer: ISSUER, until: NOW + DAY })
    expect(await refusesAccessTokenRevocation(storage, ISSUER, NOW)).toBe(false)
    map.set(key, { v: RECORD_VERSION, issuer: ISSUER })
    expect(await refusesAccessTokenRevocation(storage, ISSUER, NOW)).toBe(false)
    map.set(key, { v: RECORD_VERSION, issuer: ISSUER, until: NOW + DAY })
    expect(await refusesAccessTokenRevocation(storage, ISSUER, NOW)).toBe(true)
    control.failReads = true
    expect(await refusesAccessTokenRevocation(storage, ISSUER, NOW)).toBe(false)
  })

  test('a refusal that cannot be written is forgotten without failing', async () => {
    const { storage, counts, control } = mapStorage()
    control.failWrites = true
    await expect(rememberAccessTokenRefusal(storage, ISSUER, NOW)).resolves.toBeUndefined()
    expect(counts.writes).toBe(1)
    expect(await refusesAccessTokenRevocation(storage, ISSUER, NOW)).toBe(false)
  })
})
