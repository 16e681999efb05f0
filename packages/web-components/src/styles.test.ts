import { afterEach, describe, expect, test, vi } from 'vitest'
import { fakeHandle, mount } from './test-support/fake.js'

afterEach(() => {
  document.body.replaceChildren()
  vi.unstubAllGlobals()
})

describe('styles reach the shadow roots without inline <style> (CSP)', () => {
  test('one stylesheet, built on first use, shared by every instance of both elements', async () => {
    let built = 0
    const Native = globalThis.CSSStyleSheet
    vi.stubGlobal(
      'CSSStyleSheet',
      class extends Native {
        constructor() {
          super()
          built++
        }
      },
    )
    const { defineMcpElements } = await import('./index.js')
    expect(built).toBe(0)
    defineMcpElements()
    expect(built).toBe(0)
    const fake = fakeHandle()
    const elements = [
      mount('mcp-authorize', fake),
      mount('mcp-authorize', fake),
      mount('mcp-server-card', fake),
    ]
    fake.set({ status: 'authorizing' })
    fake.set({ status: 'authorized' })
    expect(built).toBe(1)
    const sheets = elements.map((element) => element.shadowRoot!.adoptedStyleSheets)
    for (const adopted of sheets) {
      expect(adopted).toHaveLength(1)
      expect(adopted[0]).toBe(sheets[0]![0])
    }
    const rules = [...sheets[0]![0]!.cssRules].map((rule) => rule.cssText).join('\n')
    expect(rules).toContain('[part~="container"]')
    for (const element of elements) expect(element.shadowRoot!.querySelector('style')).toBeNull()
  })

  test('without constructable stylesheets, one <style> per shadow root, kept across updates', async () => {
    vi.stubGlobal('CSSStyleSheet', undefined)
    const { defineMcpElements } = await import('./index.js')
    defineMcpElements()
    const fake = fakeHandle()
    const element = mount('mcp-server-card', fake)
    fake.set({ status: 'authorizing' })
    fake.set({ status: 'error' })
    element.removeAttribute('server-url')
    element.setAttribute('server-url', 'https://mcp.example.com/mcp')
    await vi.waitFor(() => expect(element.getAttribute('status')).toBe('error'))
    expect(element.shadowRoot!.querySelectorAll('style')).toHaveLength(1)
    expect(element.shadowRoot!.adoptedStyleSheets ?? []).toHaveLength(0)
  })
})
