import { expect, test } from 'vitest'
import { readPopup } from './popup-watch.js'

const REDIRECT = 'https://app.example/oauth/callback'

const popupAt = (href: string | (() => string)) =>
  ({
    location: {
      get href() {
        return typeof href === 'function' ? href() : href
      },
    },
  }) as unknown as Window

test('a response for this flow at the redirect URI is taken, fragment responses too', () => {
  const url = `${REDIRECT}?code=c&state=s1&iss=x`
  expect(readPopup(popupAt(url), REDIRECT, 's1')).toEqual({ kind: 'callback', url })
  const fragment = `${REDIRECT}#error=access_denied&state=s1`
  expect(readPopup(popupAt(fragment), REDIRECT, 's1')).toEqual({ kind: 'callback', url: fragment })
})

test('another flow, a stripped callback page or another route is elsewhere, without the query', () => {
  for (const url of [
    `${REDIRECT}?code=c&state=other`,
    `${REDIRECT}?state=s1`,
    REDIRECT,
    'https://app.example/?code=c&state=s1',
  ]) {
    const view = readPopup(popupAt(url), REDIRECT, 's1')
    expect(view.kind).toBe('elsewhere')
    expect(JSON.stringify(view)).not.toContain('code=')
  }
})

test('a cross-origin page is hidden; about:blank is blank', () => {
  const crossOrigin = () => {
    throw new DOMException('Blocked a frame', 'SecurityError')
  }
  expect(readPopup(popupAt(crossOrigin), REDIRECT, 's1')).toEqual({ kind: 'hidden' })
  expect(readPopup(popupAt('about:blank'), REDIRECT, 's1')).toEqual({ kind: 'blank' })
})

test('a closed or not yet navigated window is blank', () => {
  expect(
    readPopup(
      popupAt(() => undefined as unknown as string),
      REDIRECT,
      's1',
    ),
  ).toEqual({
    kind: 'blank',
  })
  expect(readPopup(popupAt(''), REDIRECT, 's1')).toEqual({ kind: 'blank' })
})

test('a location that is not a URL is hidden', () => {
  expect(readPopup(popupAt('not a url'), REDIRECT, 's1')).toEqual({ kind: 'hidden' })
})

test('elsewhere names the page by origin and path only', () => {
  expect(readPopup(popupAt('https://app.example/chat?code=c&state=s1#x'), REDIRECT, 's1')).toEqual({
    kind: 'elsewhere',
    page: 'https://app.example/chat',
  })
  expect(readPopup(popupAt(`${REDIRECT}?state=s1`), REDIRECT, 's1')).toEqual({
    kind: 'elsewhere',
    page: REDIRECT,
  })
})

test('a response for this flow on another path or origin is not the callback', () => {
  for (const url of [
    'https://app.example/other/callback?code=c&state=s1',
    'https://app.example:8443/oauth/callback?code=c&state=s1',
    'http://app.example/oauth/callback?code=c&state=s1',
  ]) {
    expect(readPopup(popupAt(url), REDIRECT, 's1')).toEqual({
      kind: 'elsewhere',
      page: url.slice(0, url.indexOf('?')),
    })
  }
})

test('an error response for this flow at the redirect URI is taken', () => {
  const url = `${REDIRECT}?error=access_denied&state=s1`
  expect(readPopup(popupAt(url), REDIRECT, 's1')).toEqual({ kind: 'callback', url })
})
