import { expect, test } from 'vitest'
import { CHANNEL, isAckFor, isCallbackFor } from './messages.js'

const url = 'https://app.example/oauth/callback?code=c&state=s1'

test('the callback page and the waiting window meet on the mcp-oauth channel', () => {
  // Both sides may ship in different bundles: the name is part of the wire contract.
  expect(CHANNEL).toBe('mcp-oauth')
})

test('a callback for this flow is accepted', () => {
  expect(isCallbackFor({ type: 'mcp-oauth:callback', state: 's1', url }, 's1')).toBe(true)
})

test('a callback of another flow, another kind or without a URL string is refused', () => {
  for (const data of [
    { type: 'mcp-oauth:callback', state: 'other', url },
    { type: 'mcp-oauth:callback', url },
    { type: 'mcp-oauth:ack', state: 's1', url },
    { state: 's1', url },
    { type: 'mcp-oauth:callback', state: 's1' },
    { type: 'mcp-oauth:callback', state: 's1', url: 42 },
    { type: 'mcp-oauth:callback', state: 's1', url: new URL(url) },
  ]) {
    expect(isCallbackFor(data, 's1')).toBe(false)
  }
})

test('anything but a data object is refused as a callback, without throwing', () => {
  const fn = Object.assign(() => {}, { type: 'mcp-oauth:callback', state: 's1', url })
  for (const data of [null, undefined, 's1', 42, true, fn]) {
    expect(isCallbackFor(data, 's1')).toBe(false)
  }
})

test('an acknowledgement for this flow is accepted', () => {
  expect(isAckFor({ type: 'mcp-oauth:ack', state: 's1' }, 's1')).toBe(true)
})

test('an acknowledgement of another flow or another kind is refused', () => {
  for (const data of [
    { type: 'mcp-oauth:ack', state: 'other' },
    { type: 'mcp-oauth:ack' },
    { type: 'mcp-oauth:callback', state: 's1', url },
    { state: 's1' },
  ]) {
    expect(isAckFor(data, 's1')).toBe(false)
  }
})

test('anything but a data object is refused as an acknowledgement, without throwing', () => {
  const fn = Object.assign(() => {}, { type: 'mcp-oauth:ack', state: 's1' })
  for (const data of [null, undefined, 'mcp-oauth:ack', 42, fn]) {
    expect(isAckFor(data, 's1')).toBe(false)
  }
})
