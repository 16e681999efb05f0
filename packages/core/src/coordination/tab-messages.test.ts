import { describe, expect, test } from 'vitest'
import { newRevision, readTabMessage, TAB_CHANNEL } from './tab-messages.js'

const URL = 'https://mcp.example.com/mcp'
const message = (more: Record<string, unknown> = {}) => ({
  resource: URL,
  change: 'tokens',
  generation: 3,
  revision: 'r1',
  ...more,
})

describe('the announcements between tabs', () => {
  test('travel on one channel name shared by every tab of the origin', () => {
    expect(TAB_CHANNEL).toBe('mcp-oauth:tokens')
  })

  test('a revision is a short random string, different for each write', () => {
    const a = newRevision()
    expect(a).toMatch(/^[0-9a-z]+\.[0-9a-z]{1,10}$/)
    expect(a.length).toBeLessThanOrEqual(64)
    expect(newRevision()).not.toBe(a)
  })

  test('a well-formed message is read back with only its four fields', () => {
    expect(readTabMessage({ ...message(), token: 'secret' })).toEqual(message())
    expect(readTabMessage(message({ change: 'client', generation: 0 }))).toEqual(
      message({ change: 'client', generation: 0 }),
    )
  })

  test('anything that is not an object is ignored', () => {
    for (const data of [null, undefined, 'tokens', 7, true]) {
      expect(readTabMessage(data)).toBeUndefined()
    }
  })

  test('a message without a server, or of another kind, is ignored', () => {
    for (const resource of [undefined, 7, null]) {
      expect(readTabMessage(message({ resource }))).toBeUndefined()
    }
    expect(readTabMessage(message({ change: 'other' }))).toBeUndefined()
  })

  test('an absurd generation is ignored', () => {
    for (const generation of [-1, 1.5, '3', Number.NaN, 2 ** 60, undefined]) {
      expect(readTabMessage(message({ generation }))).toBeUndefined()
    }
  })

  test('a revision must be a string of 1 to 64 characters', () => {
    expect(readTabMessage(message({ revision: '' }))).toBeUndefined()
    expect(readTabMessage(message({ revision: 7 }))).toBeUndefined()
    expect(readTabMessage(message({ revision: 'x'.repeat(65) }))).toBeUndefined()
    expect(readTabMessage(message({ revision: 'x'.repeat(64) }))).toEqual(
      message({ revision: 'x'.repeat(64) }),
    )
  })
})
