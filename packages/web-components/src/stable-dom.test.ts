import { McpAuthError } from '@mcp-oauth/core'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { defineMcpElements } from './index.js'
import { fakeHandle, formShown, mount, part } from './test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => {
  document.body.replaceChildren()
  vi.useRealTimers()
})

/** Every change the shadow root goes through while `run` runs. */
async function mutations(root: ShadowRoot, run: () => void) {
  const seen: MutationRecord[] = []
  const observer = new MutationObserver((records) => seen.push(...records))
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true })
  run()
  await Promise.resolve()
  seen.push(...observer.takeRecords())
  observer.disconnect()
  return seen
}

describe('<mcp-server-card> updates in place', () => {
  test.each(['Re-authorize', 'Disconnect'])(
    'a countdown tick changes the pill’s text node only; focus stays on %s',
    async (label) => {
      vi.useFakeTimers()
      const fake = fakeHandle({ status: 'authorized', expiresAt: Date.now() + 12 * 60_000 })
      const card = mount('mcp-server-card', fake)
      const root = card.shadowRoot!
      const pill = part(card, '[part~="pill"]')
      const pillText = pill.firstChild
      const focused = [...root.querySelectorAll('button')].find((b) => b.textContent === label)!
      focused.focus()
      expect(root.activeElement).toBe(focused)
      const live = part(card, '[role="status"]').textContent

      const changes = await mutations(root, () => vi.advanceTimersByTime(60_000))
      expect(pill.textContent).toBe('Authorized · expires in 11 min')
      expect(pill.firstChild).toBe(pillText)
      expect(changes.map((c) => [c.type, c.target])).toEqual([['characterData', pillText]])
      expect(root.activeElement).toBe(focused)
      expect(part(card, '[role="status"]').textContent).toBe(live)
    },
  )

  test('a refresh keeps the buttons (and focus); the live region stays quiet', async () => {
    const fake = fakeHandle({ status: 'authorized', expiresAt: Date.now() + 12 * 60_000 })
    const card = mount('mcp-server-card', fake)
    const disconnect = [...card.shadowRoot!.querySelectorAll('button')].at(-1)!
    disconnect.focus()
    const live = part(card, '[role="status"]')
    expect(live.getAttribute('aria-live')).toBe('polite')
    expect(live.textContent).toBe('Authorized.')
    fake.set({ status: 'refreshing' })
    expect(part(card, '[part~="pill"]').textContent).toBe('Refreshing…')
    fake.set({ status: 'authorized', expiresAt: Date.now() + 60 * 60_000 })
    expect(card.shadowRoot!.activeElement).toBe(disconnect)
    expect(disconnect.isConnected).toBe(true)
    expect(live.textContent).toBe('Authorized.')
  })

  test('the live region announces a status change, in the same node', () => {
    const fake = fakeHandle({ status: 'authorized' })
    const card = mount('mcp-server-card', fake)
    const live = part(card, '[role="status"]')
    fake.set({ status: 'error', error: new McpAuthError('server_error', 'AS text') })
    expect(part(card, '[role="status"]')).toBe(live)
    expect(live.textContent).toBe('Error. The server had a problem. Try again in a moment.')
    expect(card.shadowRoot!.textContent).not.toContain('AS text')
  })

  test('when the focused button goes away, focus moves to the new view, not to <body>', () => {
    const fake = fakeHandle({ status: 'authorized' })
    const card = mount('mcp-server-card', fake)
    const root = card.shadowRoot!
    ;[...root.querySelectorAll('button')].find((b) => b.textContent === 'Disconnect')!.click()
    expect(root.activeElement?.textContent).toBe('Disconnect')
    expect(root.activeElement?.getAttribute('part')).toBe('button danger')
    fake.set({ status: 'disconnected' })
    expect(root.activeElement?.textContent).toBe('Authorize')
  })
})

describe('<mcp-authorize> updates in place', () => {
  test('focus follows the view: Authorize → Cancel → Try again; the live region stays', () => {
    const fake = fakeHandle()
    const element = mount('mcp-authorize', fake)
    const root = element.shadowRoot!
    const live = part(element, '[role="status"]')
    root.querySelector('button')!.focus()
    fake.set({ status: 'authorizing' })
    expect(root.activeElement?.textContent).toBe('Cancel')
    fake.set({ status: 'cancelled' })
    expect(root.activeElement?.textContent).toBe('Try again')
    expect(part(element, '[role="status"]')).toBe(live)
    expect(live.textContent).toBe('Authorization was cancelled.')
  })

  test('a snapshot change within the same view keeps the form, its typed text and focus', async () => {
    const fake = fakeHandle({ status: 'needs-client-id' })
    const element = mount('mcp-authorize', fake)
    await formShown(element)
    const input = part(element, 'input[name="client-id"]') as HTMLInputElement
    input.value = 'my-cli'
    input.focus()
    fake.set({ scopes: ['read'], storage: 'indexeddb' })
    expect(part(element, 'input[name="client-id"]')).toBe(input)
    expect(input.value).toBe('my-cli')
    expect(element.shadowRoot!.activeElement).toBe(input)
  })

  test('a refused field stays in place, with focus, and points to the message', async () => {
    const fake = fakeHandle({ status: 'needs-client-id' })
    const element = mount('mcp-authorize', fake)
    await formShown(element)
    const id = part(element, 'input[name="client-id"]') as HTMLInputElement
    id.value = '   '
    element.shadowRoot!.querySelector('form')!.requestSubmit()
    expect(part(element, 'input[name="client-id"]')).toBe(id)
    expect(id.value).toBe('   ')
    expect(id.getAttribute('aria-invalid')).toBe('true')
    expect(id.getAttribute('aria-describedby')).toBe('form-error')
    expect(element.shadowRoot!.activeElement).toBe(id)
  })

  test('refreshing does not touch the view', async () => {
    const fake = fakeHandle({ status: 'authorized' })
    const element = mount('mcp-authorize', fake)
    const changes = await mutations(element.shadowRoot!, () => {
      fake.set({ status: 'refreshing' })
      fake.set({ status: 'authorized' })
    })
    expect(changes).toEqual([])
  })
})
