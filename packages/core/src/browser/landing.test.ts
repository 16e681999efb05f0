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
  expect(finishLandedCallback(REDIRECT, { completeRedirect })).toBeUndefined()
  expect(completeRedirect).not.toHaveBeenCalled()
})

test('on another page, or at the redirect URI without a response, nothing happens', () => {
  const completeRedirect = vi.fn()
  for (const href of ['https://app.example/?code=c&state=s', `${REDIRECT}?state=s`, REDIRECT]) {
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
