import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { formatTrace, type McpAuthEvent } from '@mcp-oauth/core/events'
import { createWorld } from '@mcp-oauth/test-world'
import { getResponse } from 'msw'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { setDefaultMcpAuth } from '../index.js'
import { defineMcpFlowTimeline, McpFlowTimelineElement } from '../timeline.js'

beforeAll(() => defineMcpFlowTimeline())
afterEach(() => {
  document.body.replaceChildren()
  setDefaultMcpAuth(undefined)
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

const A = 'https://mcp.example.com/mcp'
const B = 'https://tools.example.com/mcp'
let seq = 0
/** A plain event, as the stream gives them. */
const event = (fields: Partial<McpAuthEvent> & Pick<McpAuthEvent, 'type'>): McpAuthEvent =>
  ({ seq: ++seq, server: A, at: 1_000 + seq, ...fields }) as McpAuthEvent

function mountTimeline() {
  const element = document.createElement('mcp-flow-timeline')
  document.body.append(element)
  return element
}
const root = (element: HTMLElement) => element.shadowRoot!
const rows = (element: HTMLElement, server = A) => [
  ...root(element).querySelectorAll(`section[aria-label="${server.slice(8)}"] li[part~="row"]`),
]
const texts = (element: HTMLElement, selector: string) =>
  [...root(element).querySelectorAll(selector)].map((node) => node.textContent)

describe('<mcp-flow-timeline>', () => {
  test('one row per step, in time order, each server in its own column', () => {
    const element = mountTimeline()
    element.addEvents(
      event({ type: 'status', from: 'unknown', to: 'probing' }),
      event({ type: 'probe', url: A, httpStatus: 401, ms: 12, result: 'unauthorized' }),
      event({ type: 'probe', server: B, url: B, httpStatus: 200, ms: 8, result: 'open' }),
      // Emitted after the status change it caused, but it started earlier: it goes first.
      event({ type: 'status', from: 'authorized', to: 'needs-authorization', at: 2_000 }),
      event({
        type: 'fetch',
        method: 'POST',
        rpc: 'tools/call',
        httpStatus: 401,
        at: 1_990,
        ms: 9,
      }),
    )
    expect(texts(element, '[part~="server-name"]')).toEqual([
      'mcp.example.com/mcp',
      'tools.example.com/mcp',
    ])
    // `unknown → probing` is what the probe's row says already.
    expect(rows(element).map((row) => row.querySelector('[part~="step"]')!.textContent)).toEqual([
      'Probe',
      'MCP',
      'Status',
    ])
    expect(rows(element)[1]!.querySelector('[part~="detail"]')!.textContent).toBe('POST tools/call')
    expect(rows(element, B)).toHaveLength(1)
    expect(texts(element, '[part~="summary"]')).toEqual(['Events: 5. Failed: 0.'])
  })

  test('a new event adds one row: the others stay the same nodes, focus stays', () => {
    const element = mountTimeline()
    element.addEvents(
      event({
        type: 'resource-metadata',
        fallback: true,
        ms: 20,
        requests: [
          { method: 'GET', url: `${A}/a`, status: 404, at: 1, ms: 3 },
          { method: 'GET', url: `${A}/b`, status: 200, at: 1, ms: 5 },
        ],
      }),
    )
    const first = rows(element)[0]!
    const summary = first.querySelector('summary')!
    summary.focus()
    expect(root(element).activeElement).toBe(summary)
    const log = root(element).querySelector('[part~="log"]')!
    const seen: MutationRecord[] = []
    const observer = new MutationObserver((records) => seen.push(...records))
    observer.observe(log, { subtree: true, childList: true, characterData: true, attributes: true })
    element.addEvents(event({ type: 'token', url: 'https://as/token', httpStatus: 200, ms: 30 }))
    seen.push(...observer.takeRecords())
    observer.disconnect()
    expect(rows(element)[0]).toBe(first)
    expect(root(element).activeElement).toBe(summary)
    // One row added to the list, and nothing else in the log changed.
    expect(seen.filter((r) => r.type === 'childList' && r.addedNodes.length)).toHaveLength(1)
    expect(
      seen.every((r) => r.target === rows(element)[0]!.parentElement || r.target.nodeName === 'P'),
    ).toBe(true)
  })

  test('a failure: the user’s message, the developer’s detail in a disclosure', () => {
    const element = mountTimeline()
    element.addEvents(
      event({
        type: 'token',
        url: 'https://as.example/token',
        ms: 40,
        error: {
          code: 'cors_blocked',
          message: 'The token request to https://as.example/token was blocked (CORS)',
          transient: false,
          details: { url: 'https://as.example/token', step: 'token' },
        },
        requests: [
          { method: 'POST', url: 'https://as.example/token', failure: 'network', at: 1, ms: 40 },
        ],
      }),
    )
    const row = rows(element)[0]!
    expect(row.getAttribute('part')).toBe('row failed')
    expect(row.querySelector('[part~="error"]')!.textContent).toBe(
      'This server does not allow browser apps to connect (CORS).',
    )
    const details = row.querySelector('[part~="error-details"]')!
    expect(details.querySelector('summary')!.textContent).toBe('Details')
    expect(details.querySelector('pre')!.textContent).toBe(
      'cors_blocked: The token request to https://as.example/token was blocked (CORS)\nurl: https://as.example/token\nstep: token',
    )
    expect(row.querySelector('[part~="requests"] li')!.textContent).toBe(
      'POST https://as.example/token → network · 40 ms',
    )
    expect(texts(element, '[part~="summary"]')).toEqual(['Events: 1. Failed: 1.'])
  })

  test('a step through the relay says so, and so does each relayed request', () => {
    const element = mountTimeline()
    element.addEvents(
      event({
        type: 'route',
        url: 'https://as.example/token',
        token: 'relay',
        resource: 'direct',
        dpop: 'off',
        ms: 12,
        relay: true,
        requests: [
          { method: 'POST', url: 'https://as.example/token', failure: 'network', at: 1, ms: 5 },
          {
            method: 'POST',
            url: 'https://as.example/token',
            status: 400,
            at: 1,
            ms: 7,
            relay: true,
          },
        ],
      }),
    )
    const row = rows(element)[0]!
    expect(row.querySelector('[part~="step"]')!.textContent).toBe('Route')
    expect(row.querySelector('[part~="detail"]')!.textContent).toBe(
      'token relay · resource direct · DPoP off · via the relay',
    )
    expect(texts(element, '[part~="requests"] li')).toEqual([
      'POST https://as.example/token → network · 5 ms',
      'POST https://as.example/token → 400 · 7 ms · via the relay',
    ])
  })

  test('a denied authorization is the user’s choice: said in words, not counted as failed', () => {
    const element = mountTimeline()
    element.addEvents(
      event({
        type: 'status',
        from: 'authorizing',
        to: 'cancelled',
        error: { code: 'access_denied', message: 'access_denied', transient: false },
      }),
    )
    const [row] = rows(element)
    expect(row!.getAttribute('part')).toBe('row status')
    expect(row!.querySelector('[part~="error"]')!.textContent).toBe('Access was denied.')
    expect(texts(element, '[part~="summary"]')).toEqual(['Events: 1. Failed: 0.'])
  })

  test('expected answers are explained, not failures: GET 405, an unrevocable token', () => {
    const element = mountTimeline()
    element.addEvents(
      event({ type: 'fetch', method: 'GET', httpStatus: 405, note: 'sse-not-offered', ms: 3 }),
      event({
        type: 'revocation',
        refreshToken: 'revoked',
        accessToken: 'unsupported',
        httpStatus: 400,
        note: 'token-not-revocable',
        ms: 9,
      }),
    )
    for (const row of rows(element)) {
      expect(row.getAttribute('part')).toBe('row explained')
      expect(row.querySelector('[part~="error"]')).toBeNull()
    }
    expect(texts(element, '[part~="note"]')).toEqual([
      'No standalone SSE stream: it is optional in Streamable HTTP, and the client goes on without it.',
      'The authorization server does not revoke this kind of access token (such as a JWT): it stays valid until it expires.',
    ])
  })

  test('Copy as text gives the trace; Download JSON a file; Clear empties the list', async () => {
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob)
      return 'blob:trace'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const clicked: HTMLAnchorElement[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this)
    })
    const element = mountTimeline()
    const events = [
      event({ type: 'probe', url: A, httpStatus: 401, ms: 5 }),
      event({ type: 'status', from: 'probing', to: 'needs-authorization' }),
    ]
    element.addEvents(...events)
    const button = (label: string) =>
      [...root(element).querySelectorAll('button')].find((b) => b.textContent === label)!

    button('Copy as text').click()
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledWith(formatTrace(events)))
    await vi.waitFor(() => expect(texts(element, '[role="status"]')).toEqual(['Trace copied.']))

    button('Download JSON').click()
    expect(clicked).toHaveLength(1)
    expect(clicked[0]!.download).toMatch(/^mcp-oauth-trace-.+\.json$/)
    expect(JSON.parse(await created[0]!.text())).toEqual({
      format: 'mcp-oauth-trace',
      version: 1,
      events,
    })

    button('Clear').click()
    expect(element.events).toEqual([])
    expect(root(element).querySelectorAll('li')).toHaveLength(0)
    expect(root(element).querySelector<HTMLElement>('[part~="empty"]')!.hidden).toBe(false)
  })

  test('a copy that the browser refuses says so', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined })
    const element = mountTimeline()
    ;[...root(element).querySelectorAll('button')]
      .find((b) => b.textContent === 'Copy as text')!
      .click()
    await vi.waitFor(() =>
      expect(texts(element, '[role="status"]')).toEqual([
        'The trace could not be copied: use Download JSON.',
      ]),
    )
  })

  test('the screen reader hears a summary at most once a second, not each step', () => {
    vi.useFakeTimers()
    const element = mountTimeline()
    const live = root(element).querySelector('[role="status"]')!
    expect(live.getAttribute('aria-live')).toBe('polite')
    const changes: string[] = []
    const observer = new MutationObserver(() => changes.push(live.textContent ?? ''))
    observer.observe(live, { subtree: true, characterData: true, childList: true })
    for (let i = 0; i < 20; i++)
      element.addEvents(event({ type: 'fetch', method: 'POST', httpStatus: 200 }))
    vi.advanceTimersByTime(999)
    expect(live.textContent).toBe('')
    vi.advanceTimersByTime(1)
    element.addEvents(event({ type: 'fetch', method: 'POST', httpStatus: 200 }))
    vi.advanceTimersByTime(1000)
    observer.takeRecords()
    observer.disconnect()
    expect(live.textContent).toBe('Events: 21. Failed: 0.')
    expect(changes.length).toBeLessThanOrEqual(2)
  })

  test('the scrollable list is a labelled region reachable by keyboard', () => {
    const element = mountTimeline()
    const log = root(element).querySelector<HTMLElement>('[part~="log"]')!
    expect(log.getAttribute('role')).toBe('region')
    expect(log.getAttribute('aria-label')).toBe('Protocol steps')
    expect(log.tabIndex).toBe(0)
  })

  test('strings: any word overridden, the rows rebuilt in them', () => {
    const element = mountTimeline()
    element.addEvents(event({ type: 'probe', url: A, httpStatus: 401 }))
    element.strings = { title: 'Chronologie', labels: { probe: 'Sonde' } }
    expect(texts(element, '[part~="title"]')).toEqual(['Chronologie'])
    expect(texts(element, '[part~="step"]')).toEqual(['Sonde'])
    expect(element.strings.labels.token).toBe('Token')
  })

  test('one constructable stylesheet for every timeline, apart from the other elements', () => {
    const first = mountTimeline()
    const second = mountTimeline()
    const [sheet] = root(first).adoptedStyleSheets
    expect(root(second).adoptedStyleSheets).toEqual([sheet])
    expect(root(first).querySelector('style')).toBeNull()
    expect([...sheet!.cssRules].map((r) => r.cssText).join('\n')).toContain('[part~="log"]')
  })
})

test('every part it renders is in the manifest, and every declared part is rendered', () => {
  const manifest = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../custom-elements.json'), 'utf8'),
  ) as { modules: { declarations: { tagName?: string; cssParts?: { name: string }[] }[] }[] }
  const declared = manifest.modules
    .flatMap((m) => m.declarations)
    .find((d) => d.tagName === 'mcp-flow-timeline')!
    .cssParts!.map((p) => p.name)
  const element = mountTimeline()
  const parts = new Set<string>()
  const collect = () => {
    for (const node of root(element).querySelectorAll('[part]')) {
      for (const name of node.getAttribute('part')!.split(/\s+/)) parts.add(name)
    }
  }
  collect() // the empty list
  const request = { method: 'GET', url: A, status: 200, at: 1, ms: 2 }
  element.addEvents(
    event({ type: 'probe', url: A, httpStatus: 401, ms: 3 }),
    event({ type: 'fetch', method: 'GET', httpStatus: 405, note: 'sse-not-offered', ms: 1 }),
    event({ type: 'status', from: 'probing', to: 'needs-authorization' }),
    event({
      type: 'resource-metadata',
      fallback: false,
      ms: 4,
      requests: [request, request],
      error: { code: 'network_error', message: 'Request failed', transient: true },
    }),
  )
  collect()
  expect([...parts].sort()).toEqual([...declared].sort())
})

test('without constructable stylesheets: one <style> in the shadow root, kept when strings change', async () => {
  vi.stubGlobal('CSSStyleSheet', undefined)
  vi.resetModules()
  const { McpFlowTimelineElement: Fresh } = await import('./mcp-flow-timeline.js')
  customElements.define('mcp-flow-timeline-fallback', Fresh)
  const element = document.createElement('mcp-flow-timeline-fallback') as InstanceType<typeof Fresh>
  document.body.append(element)
  element.strings = { title: 'Journal' }
  expect(element.shadowRoot!.querySelectorAll('style')).toHaveLength(1)
  expect(element.shadowRoot!.querySelector('style')!.textContent).toContain('[part~="log"]')
})

test('defineMcpFlowTimeline registers in the registry given, once', () => {
  const registry = { get: vi.fn(() => undefined), define: vi.fn() }
  defineMcpFlowTimeline(registry as unknown as CustomElementRegistry)
  expect(registry.define).toHaveBeenCalledWith('mcp-flow-timeline', McpFlowTimelineElement)
  defineMcpFlowTimeline()
  defineMcpFlowTimeline()
  expect(customElements.get('mcp-flow-timeline')).toBe(McpFlowTimelineElement)
})

describe('<mcp-flow-timeline> on a real instance', () => {
  test('follows the page default, shows a whole flow without a secret, stops when removed', async () => {
    const w = createWorld()
    const auth = createMcpAuth({
      redirectUri: 'https://app.example/cb',
      storage: memoryStorage(),
      driver: w.driver(),
      // The core's test world answers in place of a network.
      fetch: async (input, init) =>
        (await getResponse(w.handlers, new Request(input, init))) ??
        new Response(null, { status: 404 }),
    })
    const element = mountTimeline()
    setDefaultMcpAuth(auth)
    const handle = auth.server(w.options.resource)
    await handle.probe()
    await handle.authorize()
    const steps = () => texts(element, '[part~="step"]')
    expect(steps()).toEqual(
      expect.arrayContaining([
        'Probe',
        'Challenge',
        'Resource metadata',
        'AS metadata',
        'Registration',
        'Token',
      ]),
    )
    const shown = root(element).textContent ?? ''
    for (const token of w.accessTokens.keys()) expect(shown).not.toContain(token)
    for (const url of w.navigations()) expect(shown).not.toContain(url.searchParams.get('state')!)
    expect(element.events.length).toBeGreaterThan(8)

    const before = element.events.length
    element.remove()
    await handle.disconnect()
    expect(element.events).toHaveLength(before)
    expect(element).toBeInstanceOf(McpFlowTimelineElement)
  })
})
