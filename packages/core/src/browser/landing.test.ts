import { afterEach, expect, test, vi } from 'vitest'
import { finishLandedCallback } from './landing.js'

const REDIRECT = 'https://app.example/oauth/callback'

function browserAt(href: string) {
  const replaced: string[] = []
  vi.stubGlobal('location', new URL(href))
  vi.stubGlobal('history', {
    state: null,
    replaceState: (_: unknown, __: string, url: string) => replaced.push(String(url)),
  })
  vi.stubGlobal('close', vi.fn())
  vi.stubGlobal('addEventListener', () => {})
  vi.stubGlobal('removeEventListener', () => {})
  vi.stubGlobal('window', globalThis)
  return replaced
}

afterEach(() => {
  vi.unstubAllGlobals()
})

test('outside a browser nothing is read or called', () => {
  const completeRedirect = vi.fn()
  vi.stubGlobal('location', undefined)
  vi.stubGlobal('history', undefined)
  expect(finishLandedCallback(REDIRECT, { completeRedirect })).toBeUndefined()
  expect(completeRedirect).not.toHaveBeenCalled()
})

test('without a location, or without a history, nothing is read or called', () => {
  const completeRedirect = vi.fn()
  const replaceState = vi.fn()
  vi.stubGlobal('location', new URL(`${REDIRECT}?code=c&state=s`))
  vi.stubGlobal('history', undefined)
  expect(finishLandedCallback(REDIRECT, { completeRedirect })).toBeUndefined()
  vi.stubGlobal('location', undefined)
  vi.stubGlobal('history', { state: null, replaceState })
  expect(finishLandedCallback(REDIRECT, { completeRedirect })).toBeUndefined()
  expect(replaceState).not.toHaveBeenCalled()
  expect(completeRedirect).not.toHaveBeenCalled()
})

test('on another page, or at the redirect URI without a response, nothing happens', () => {
  const completeRedirect = vi.fn()
  for (const href of [
    'https://app.example/?code=c&state=s',
    'https://other.example/oauth/callback?code=c&state=s',
    `${REDIRECT}?code=c`,
    `${REDIRECT}?code=c&state=`,
    `${REDIRECT}?state=s`,
    REDIRECT,
  ]) {
    const replaced = browserAt(href)
    expect(finishLandedCallback(REDIRECT, { completeRedirect })).toBeUndefined()
    expect(replaced).toEqual([])
  }
  expect(completeRedirect).not.toHaveBeenCalled()
})

test('unclaimed (full-page redirect): the URL is stripped, the flow finished here, returnTo shown', async () => {
  const url = `${REDIRECT}?code=c&state=s1`
  const replaced = browserAt(url)
  vi.stubGlobal('BroadcastChannel', undefined)
  const completeRedirect = vi.fn(async () => ({
    server: {} as never,
    returnTo: 'https://app.example/chat',
  }))
  const done = await finishLandedCallback(REDIRECT, { completeRedirect })
  expect(completeRedirect).toHaveBeenCalledWith(url)
  expect(done?.returnTo).toBe('https://app.example/chat')
  expect(replaced).toEqual(['/oauth/callback', 'https://app.example/chat'])
})

/** The redirect URI loaded in a popup whose opener acknowledges the response it is sent. */
function popupAt(href: string) {
  const replaceState = vi.fn()
  const close = vi.fn()
  const listeners = new Set<(event: MessageEvent) => void>()
  const opener = {
    postMessage: vi.fn((data: { state: string }, origin: string) => {
      const reply = { data: { type: 'mcp-oauth:ack', state: data.state }, origin, source: null }
      for (const fn of [...listeners]) fn(reply as MessageEvent)
    }),
  }
  vi.stubGlobal('location', new URL(href))
  vi.stubGlobal('history', { state: null, replaceState })
  vi.stubGlobal('window', { opener, close })
  vi.stubGlobal('addEventListener', (_: string, fn: (event: MessageEvent) => void) =>
    listeners.add(fn),
  )
  vi.stubGlobal('removeEventListener', (_: string, fn: (event: MessageEvent) => void) =>
    listeners.delete(fn),
  )
  vi.stubGlobal('BroadcastChannel', undefined)
  return { replaceState, close, opener }
}

test('in a popup the response goes to the opener, the popup closes, and this page finishes nothing', async () => {
  const url = `${REDIRECT}?code=c&state=s1`
  const { replaceState, close, opener } = popupAt(url)
  const completeRedirect = vi.fn()
  await expect(finishLandedCallback(REDIRECT, { completeRedirect })).resolves.toBeUndefined()
  expect(opener.postMessage).toHaveBeenCalledExactlyOnceWith(
    { type: 'mcp-oauth:callback', state: 's1', url },
    'https://app.example',
  )
  expect(close).toHaveBeenCalledOnce()
  expect(completeRedirect).not.toHaveBeenCalled()
  expect(replaceState.mock.calls).toEqual([[null, '', '/oauth/callback']])
})

test('an error response is delivered the same way', async () => {
  const url = `${REDIRECT}?error=access_denied&state=s1`
  const { opener } = popupAt(url)
  const completeRedirect = vi.fn()
  await expect(finishLandedCallback(REDIRECT, { completeRedirect })).resolves.toBeUndefined()
  expect(opener.postMessage).toHaveBeenCalledExactlyOnceWith(
    { type: 'mcp-oauth:callback', state: 's1', url },
    'https://app.example',
  )
})

test('the address bar is stripped at once, before the delivery code has loaded', () => {
  const { replaceState } = popupAt(`${REDIRECT}?code=c&state=s1#frag`)
  const finished = finishLandedCallback(REDIRECT, { completeRedirect: vi.fn() })
  expect(finished).toBeInstanceOf(Promise)
  expect(replaceState.mock.calls).toEqual([[null, '', '/oauth/callback']])
  return finished
})

test('unclaimed without a return URL: the address bar stays on the stripped path', async () => {
  const url = `${REDIRECT}?code=c&state=s1`
  const replaced = browserAt(url)
  vi.stubGlobal('BroadcastChannel', undefined)
  for (const done of [undefined, { server: {} as never }]) {
    replaced.length = 0
    const completeRedirect = vi.fn(async () => done)
    await expect(finishLandedCallback(REDIRECT, { completeRedirect })).resolves.toBe(done)
    expect(replaced).toEqual(['/oauth/callback'])
  }
})

test('a failing completion reaches the promise handed back, and nothing else', async () => {
  browserAt(`${REDIRECT}?code=c&state=s1`)
  vi.stubGlobal('BroadcastChannel', undefined)
  const failure = new Error('exchange failed')
  const completeRedirect = vi.fn(async () => {
    throw failure
  })
  await expect(finishLandedCallback(REDIRECT, { completeRedirect })).rejects.toBe(failure)
})

test('the return URL replaces the stripped entry and keeps the page’s history state', async () => {
  const state = { app: 'kept' }
  const replaceState = vi.fn()
  browserAt(`${REDIRECT}?code=c&state=s1`)
  vi.stubGlobal('history', { state, replaceState })
  vi.stubGlobal('BroadcastChannel', undefined)
  const completeRedirect = vi.fn(async () => ({ server: {} as never, returnTo: '/chat?x=1' }))
  await finishLandedCallback(REDIRECT, { completeRedirect })
  expect(replaceState.mock.calls).toEqual([
    [null, '', '/oauth/callback'],
    [state, '', '/chat?x=1'],
  ])
})
