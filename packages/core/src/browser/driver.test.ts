import { afterEach, expect, test, vi } from 'vitest'
import type { AuthorizationDriverRequest } from '../contracts/driver.js'
import { AuthorizationError } from '../errors.js'
import { browserDriver } from './driver.js'

const ORIGIN = 'https://app.example'
const AUTHORIZE = 'https://auth.example/authorize?state=s1'
const CALLBACK = `${ORIGIN}/cb?code=c&state=s1`

interface Screen {
  screenX?: number
  screenY?: number
  outerWidth?: number
  outerHeight?: number
}

/** A page on app.example whose `open()` gives `popup` (`null`: blocked). */
function page(popup: object | null, screen: Screen = {}) {
  const open = vi.fn((..._: unknown[]) => popup)
  const assign = vi.fn()
  const listeners = new Set<(event: MessageEvent) => void>()
  vi.stubGlobal('open', open)
  vi.stubGlobal('location', Object.assign(new URL(`${ORIGIN}/chat`), { assign }))
  vi.stubGlobal('addEventListener', (_: string, fn: (event: MessageEvent) => void) =>
    listeners.add(fn),
  )
  vi.stubGlobal('removeEventListener', (_: string, fn: (event: MessageEvent) => void) =>
    listeners.delete(fn),
  )
  vi.stubGlobal('BroadcastChannel', undefined)
  for (const key of ['screenX', 'screenY', 'outerWidth', 'outerHeight'] as const) {
    vi.stubGlobal(key, screen[key])
  }
  const post = (data: unknown) => {
    for (const fn of [...listeners]) fn({ data, origin: ORIGIN, source: null } as MessageEvent)
  }
  return { open, assign, post, listeners }
}

function popupWindow() {
  const popup = {
    closed: false,
    close: vi.fn(() => {
      popup.closed = true
    }),
    location: { href: 'about:blank' },
  }
  return popup
}

function request(extra: Partial<AuthorizationDriverRequest> = {}): AuthorizationDriverRequest {
  return {
    url: AUTHORIZE,
    redirectUri: `${ORIGIN}/cb`,
    state: 's1',
    signal: new AbortController().signal,
    ...extra,
  }
}

/** Whether `promise` has settled once pending work ran. */
async function settled(promise: Promise<unknown>) {
  let done = false
  promise.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  await new Promise((resolve) => setTimeout(resolve, 0))
  return done
}

afterEach(() => {
  vi.unstubAllGlobals()
})

test('the popup opens blank, in the click, centred on the window at 500×700', () => {
  const { open } = page(popupWindow(), {
    screenX: 100,
    screenY: 50,
    outerWidth: 1500,
    outerHeight: 1100,
  })
  browserDriver().begin({})
  expect(open).toHaveBeenCalledExactlyOnceWith(
    'about:blank',
    '_blank',
    'popup,width=500,height=700,left=600,top=250',
  )
})

test('the centred position is rounded to whole pixels', () => {
  const { open } = page(popupWindow(), {
    screenX: 10,
    screenY: 20,
    outerWidth: 1001,
    outerHeight: 1003,
  })
  browserDriver().begin({})
  expect(open.mock.calls[0]?.[2]).toBe('popup,width=500,height=700,left=261,top=172')
})

test('a window smaller than the popup puts it at the screen edge, never off it', () => {
  const { open } = page(popupWindow(), {
    screenX: 0,
    screenY: 0,
    outerWidth: 300,
    outerHeight: 400,
  })
  browserDriver().begin({})
  expect(open.mock.calls[0]?.[2]).toBe('popup,width=500,height=700,left=0,top=0')
})

test('without window geometry the popup opens at the top left corner', () => {
  const { open } = page(popupWindow())
  browserDriver().begin({})
  expect(open.mock.calls[0]?.[2]).toBe('popup,width=500,height=700,left=0,top=0')
})

test('window position alone, or size alone, still centres on what is known', () => {
  const { open } = page(popupWindow(), { screenX: 40, screenY: 30 })
  browserDriver().begin({})
  expect(open.mock.calls[0]?.[2]).toBe('popup,width=500,height=700,left=40,top=30')
  vi.unstubAllGlobals()
  const second = page(popupWindow(), { outerWidth: 900, outerHeight: 1000 })
  browserDriver().begin({})
  expect(second.open.mock.calls[0]?.[2]).toBe('popup,width=500,height=700,left=200,top=150')
})

test('popupFeatures are passed to window.open as given', () => {
  const { open } = page(popupWindow(), { screenX: 100, outerWidth: 1500 })
  browserDriver({ popupFeatures: 'width=320,height=480' }).begin({})
  expect(open).toHaveBeenCalledExactlyOnceWith('about:blank', '_blank', 'width=320,height=480')
})

test('the popup goes to the authorization URL, reports open, and resolves with the callback', async () => {
  const popup = popupWindow()
  const { assign, post, listeners } = page(popup)
  const session = browserDriver().begin({ mode: 'popup' })
  const onPopup = vi.fn()
  const result = session.navigate(request({ onPopup }))
  expect(popup.location.href).toBe(AUTHORIZE)
  expect(onPopup.mock.calls).toEqual([['open']])
  // The listener is ready once its code has loaded.
  await vi.waitFor(() => expect(listeners.size).toBe(1))
  post({ type: 'mcp-oauth:callback', state: 's1', url: CALLBACK })
  await expect(result).resolves.toBe(CALLBACK)
  expect(assign).not.toHaveBeenCalled()
})

test('a popup closed before navigating cancels the flow and goes nowhere', async () => {
  const popup = popupWindow()
  const { assign } = page(popup)
  const session = browserDriver().begin({})
  popup.closed = true
  const onPopup = vi.fn()
  const error = await session.navigate(request({ onPopup })).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthorizationError)
  expect(error).toMatchObject({ code: 'cancelled', message: 'The authorization window was closed' })
  expect(popup.location.href).toBe('about:blank')
  expect(onPopup).not.toHaveBeenCalled()
  expect(assign).not.toHaveBeenCalled()
})

test('closing the session closes an open popup, and leaves a closed one alone', () => {
  const popup = popupWindow()
  page(popup)
  const session = browserDriver().begin({})
  session.close()
  expect(popup.close).toHaveBeenCalledOnce()
  session.close()
  expect(popup.close).toHaveBeenCalledOnce()
})

test('a blocked popup falls back to a full-page redirect that never settles', async () => {
  const { open, assign } = page(null)
  const session = browserDriver().begin({})
  expect(open).toHaveBeenCalledOnce()
  const result = session.navigate(request())
  expect(assign).toHaveBeenCalledExactlyOnceWith(AUTHORIZE)
  expect(await settled(result)).toBe(false)
  expect(() => session.close()).not.toThrow()
})

test('redirect mode opens no popup and sends the page itself', async () => {
  const { open, assign } = page(popupWindow())
  const session = browserDriver().begin({ mode: 'redirect' })
  expect(open).not.toHaveBeenCalled()
  const result = session.navigate(request())
  expect(assign).toHaveBeenCalledExactlyOnceWith(AUTHORIZE)
  expect(await settled(result)).toBe(false)
  expect(() => session.close()).not.toThrow()
})
