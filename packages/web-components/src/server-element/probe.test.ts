import type { McpAuth, McpServerHandle } from '@mcp-oauth/core'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { defineMcpElements, PROBE_DEBOUNCE_MS } from '../index.js'
import { fakeHandle, text } from '../test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => {
  document.body.replaceChildren()
  vi.useRealTimers()
})

/** A core whose handles (one per URL) start `unknown` and count their probes. */
function countingAuth() {
  const handles = new Map<string, ReturnType<typeof fakeHandle>>()
  const auth = {
    server(url: string) {
      if (!handles.has(url)) handles.set(url, fakeHandle({ status: 'unknown', resource: url }))
      return handles.get(url)!.handle as unknown as McpServerHandle
    },
  } as McpAuth
  const probes = () =>
    [...handles].flatMap(([url, fake]) => fake.handle.probe.mock.calls.map(() => url))
  return { auth, probes }
}

function element(tag: 'mcp-authorize' | 'mcp-server-card', auth: McpAuth, probe?: string) {
  const el = document.createElement(tag)
  el.auth = auth
  if (probe) el.setAttribute('probe', probe)
  document.body.append(el)
  return el
}

const typed = (url: string) => Array.from({ length: 8 }, (_, i) => url.slice(0, url.length - 7 + i))

describe.each(['mcp-authorize', 'mcp-server-card'] as const)('%s probe control', (tag) => {
  test('server-url set 8 times while typing → one probe, of the final URL, once it settles', () => {
    vi.useFakeTimers()
    const { auth, probes } = countingAuth()
    const el = element(tag, auth)
    const url = 'https://mcp.example.com/mcp'
    for (const value of typed(url)) {
      el.setAttribute('server-url', value)
      vi.advanceTimersByTime(120)
    }
    expect(el.getAttribute('server-url')).toBe(url)
    expect(probes()).toEqual([])
    vi.advanceTimersByTime(PROBE_DEBOUNCE_MS)
    expect(probes()).toEqual([url])
    vi.advanceTimersByTime(10_000)
    expect(probes()).toEqual([url])
  })

  test.each([
    'not a url',
    'mcp.example.com/mcp',
    'http://mcp.example.com/mcp',
    'javascript:alert(1)',
    'ftp://127.0.0.1/mcp',
    'https://user:secret@mcp.example.com/mcp',
    'http://128.0.0.1/mcp',
  ])('an invalid or insecure URL is never probed: %s', (url) => {
    vi.useFakeTimers()
    const { auth, probes } = countingAuth()
    const el = element(tag, auth)
    el.setAttribute('server-url', url)
    vi.advanceTimersByTime(10_000)
    document.body.append(element(tag, auth))
    el.remove()
    document.body.append(el)
    vi.advanceTimersByTime(10_000)
    expect(probes()).toEqual([])
    expect(el.hasAttribute('status')).toBe(false)
  })

  test('a URL present when the element connects is probed at once; loopback http is fine', () => {
    const { auth, probes } = countingAuth()
    const el = document.createElement(tag)
    el.auth = auth
    el.setAttribute('server-url', 'http://127.0.0.1:3000/mcp')
    document.body.append(el)
    expect(probes()).toEqual(['http://127.0.0.1:3000/mcp'])
  })

  test.each([
    'http://localhost:3000/mcp',
    'http://127.0.0.2:3000/mcp',
    'http://127.255.255.254/mcp',
    'http://[::1]:3000/mcp',
  ])('loopback http is probed as the core accepts it: %s', (url) => {
    const { auth, probes } = countingAuth()
    const el = document.createElement(tag)
    el.auth = auth
    el.setAttribute('server-url', url)
    document.body.append(el)
    expect(probes()).toEqual([url])
  })

  test('probe="manual": never probes; the app probes through the handle', () => {
    vi.useFakeTimers()
    const { auth, probes } = countingAuth()
    const el = element(tag, auth, 'manual')
    el.setAttribute('server-url', 'https://mcp.example.com/mcp')
    vi.advanceTimersByTime(10_000)
    expect(probes()).toEqual([])
    expect(el.probe).toBe('manual')
    expect(el.getAttribute('status')).toBe('unknown')
    expect(text(el)).toContain(tag === 'mcp-authorize' ? 'has not been checked yet' : 'Not checked')
    el.handle?.probe()
    expect(probes()).toEqual(['https://mcp.example.com/mcp'])
  })

  test('switching the property to auto probes what is unknown', () => {
    const { auth, probes } = countingAuth()
    const el = element(tag, auth, 'manual')
    el.setAttribute('server-url', 'https://mcp.example.com/mcp')
    el.probe = 'auto'
    expect(el.getAttribute('probe')).toBe('auto')
    expect(probes()).toEqual(['https://mcp.example.com/mcp'])
  })
})
