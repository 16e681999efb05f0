import type { McpServerStatus } from '@mcp-oauth/core'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { defineMcpElements } from '../index.js'
import { fakeHandle, mount } from '../test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => document.body.replaceChildren())

/** The `mcp-authorized` and `mcp-restored` events seen while the snapshot goes through `path`. */
function story(tag: 'mcp-authorize' | 'mcp-server-card', path: McpServerStatus[]) {
  const seen: string[] = []
  const record = (event: Event) => seen.push(event.type)
  document.addEventListener('mcp-authorized', record)
  document.addEventListener('mcp-restored', record)
  try {
    const fake = fakeHandle({ status: path[0]! })
    mount(tag, fake)
    for (const status of path.slice(1)) fake.set({ status })
  } finally {
    document.removeEventListener('mcp-authorized', record)
    document.removeEventListener('mcp-restored', record)
  }
  return seen
}

describe.each(['mcp-authorize', 'mcp-server-card'] as const)(
  '%s events mean what they say',
  (tag) => {
    test.each<[string, McpServerStatus[], string[]]>([
      [
        'an authorization finished',
        ['needs-authorization', 'authorizing', 'authorized'],
        ['mcp-authorized'],
      ],
      ['a typed token was accepted', ['needs-token', 'authorized'], ['mcp-authorized']],
      [
        'stored tokens restored by the probe',
        ['unknown', 'probing', 'authorized'],
        ['mcp-restored'],
      ],
      ['already authorized when attached', ['authorized'], ['mcp-restored']],
      ['a refresh', ['authorized', 'refreshing', 'authorized'], ['mcp-restored']],
      [
        'cancelled, then authorized',
        ['authorizing', 'cancelled', 'authorizing', 'authorized'],
        ['mcp-authorized'],
      ],
      ['a step-up granted', ['needs-step-up', 'authorizing', 'authorized'], ['mcp-authorized']],
      ['denied', ['needs-authorization', 'authorizing', 'cancelled'], []],
      ['another tab authorized', ['needs-authorization', 'authorized'], ['mcp-restored']],
      [
        'signed in again in another tab after a disconnect',
        ['authorized', 'disconnected', 'authorized'],
        ['mcp-restored', 'mcp-restored'],
      ],
      ['a failed probe, then another tab authorized', ['error', 'authorized'], ['mcp-restored']],
      ['a step-up granted in another tab', ['needs-step-up', 'authorized'], []],
    ])('%s', (_, path, expected) => {
      expect(story(tag, path)).toEqual(expected)
    })
  },
)

test.each(['mcp-authorize', 'mcp-server-card'] as const)(
  '%s: a recovery from an error while the tokens were kept is neither authorized nor restored',
  (tag) => {
    const seen: string[] = []
    const record = (event: Event) => seen.push(event.type)
    const fake = fakeHandle({ status: 'error', tokenType: 'Bearer' })
    const element = mount(tag, fake)
    element.addEventListener('mcp-authorized', record)
    element.addEventListener('mcp-restored', record)
    fake.set({ status: 'authorized' })
    expect(seen).toEqual([])
  },
)
