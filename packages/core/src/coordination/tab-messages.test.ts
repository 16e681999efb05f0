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

  test('a receiver reads the server and the kind of change, nothing else', () => {
    expect(readTabMessage({ ...message(), token: 'secret' })).toEqual({
      resource: URL,
      change: 'tokens',
    })
    expect(readTabMessage({ resource: URL, change: 'client' })).toEqual({
      resource: URL,
      change: 'client',
    })
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
})
