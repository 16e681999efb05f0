import { afterEach, expect, test, vi } from 'vitest'
import { browserDriver } from './driver.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** A page whose `open()` gives a popup that never comes back. */
function page() {
  const popup = { closed: false, close: vi.fn(), location: { href: 'about:blank' } }
  vi.stubGlobal('open', () => popup)
  vi.stubGlobal('addEventListener', () => {})
  vi.stubGlobal('removeEventListener', () => {})
  vi.stubGlobal('location', new URL('https://app.example/'))
  vi.stubGlobal('BroadcastChannel', undefined)
  return popup
}

test('a flow cancelled while the popup listener loads ends at once as cancelled', async () => {
  const popup = page()
  const controller = new AbortController()
  const session = browserDriver({ popupFeatures: 'popup' }).begin({})
  const result = session.navigate({
    url: 'https://auth.example/authorize?state=s1',
    redirectUri: 'https://app.example/cb',
    state: 's1',
    signal: controller.signal,
  })
  // The listener's code is still loading: the abort happens before it can listen for it.
  controller.abort()
  await expect(result).rejects.toMatchObject({ code: 'cancelled' })
  expect(popup.location.href).toBe('https://auth.example/authorize?state=s1')
})
