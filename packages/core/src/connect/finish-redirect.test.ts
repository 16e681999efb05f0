import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createMcpAuth } from '../auth.js'
import { memoryStorage } from '../storage/memory.js'
import { leaveForTheAs, REDIRECT } from '../test-support/harness.js'

const mock = useMockServer()
afterEach(() => vi.unstubAllGlobals())

/** A page at `href` whose address bar changes are recorded. */
function pageAt(href: string) {
  const replaced: unknown[][] = []
  vi.stubGlobal('location', new URL(href))
  vi.stubGlobal('history', {
    state: { app: 'state' },
    replaceState: (...args: unknown[]) => replaced.push(args),
  })
  return replaced
}

describe('completeRedirect() with an explicit URL', () => {
  test('a flow without a return URL resolves with the server only, and leaves the address bar alone', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (await leaveForTheAs(mock, w, storage)).callbackUrl
    const replaced = pageAt('https://app.example/elsewhere')
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect(callbackUrl)
    expect(done?.server.getSnapshot().status).toBe('authorized')
    expect(done && 'returnTo' in done).toBe(false)
    expect(replaced).toEqual([])
  })

  test('a flow started without a return URL comes back to the page it started on', async () => {
    vi.stubGlobal('location', new URL('https://app.example/chat?room=2'))
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (await leaveForTheAs(mock, w, storage)).callbackUrl
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect(callbackUrl)
    expect(done?.returnTo).toBe('https://app.example/chat?room=2')
  })

  test('the flow is finished once, even when two calls race', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (
      await leaveForTheAs(mock, w, storage, { returnTo: 'https://app.example/chat' })
    ).callbackUrl
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const results = await Promise.allSettled([
      after.completeRedirect(callbackUrl),
      after.completeRedirect(callbackUrl),
    ])
    const fulfilled = results.filter((r) => r.status === 'fulfilled' && r.value)
    expect(fulfilled).toHaveLength(1)
    expect(w.grants('authorization_code')).toHaveLength(1)
  })

  test('an error response for a flow of this app rejects with its code', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = new URL((await leaveForTheAs(mock, w, storage)).callbackUrl)
    const denied = new URL(REDIRECT)
    denied.searchParams.set('error', 'access_denied')
    denied.searchParams.set('state', callbackUrl.searchParams.get('state')!)
    denied.searchParams.set('iss', w.options.issuer)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    await expect(after.completeRedirect(denied.href)).rejects.toMatchObject({
      code: 'access_denied',
    })
    expect(w.grants('authorization_code')).toHaveLength(0)
  })

  test('a URL with the state of a flow but no response is not a callback: the flow stays pending', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = new URL((await leaveForTheAs(mock, w, storage)).callbackUrl)
    const state = callbackUrl.searchParams.get('state')!
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    expect(await after.completeRedirect(`${REDIRECT}?state=${state}`)).toBeUndefined()
    expect(await after.completeRedirect(`${REDIRECT}?code=abc`)).toBeUndefined()
    expect(await storage.keys('pending:')).toEqual([`pending:${state}`])
    expect(after.servers()).toEqual([])
    // The real callback still works.
    expect((await after.completeRedirect(callbackUrl.href))?.server.url).toBe(w.options.resource)
  })
})

describe('completeRedirect() reading the address bar', () => {
  test('outside a browser it resolves undefined', async () => {
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: vi.fn(async () => ''),
    })
    expect(await auth.completeRedirect()).toBeUndefined()
  })

  test('shows the return URL at once and finishes the flow', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (
      await leaveForTheAs(mock, w, storage, { returnTo: 'https://app.example/chat?room=1' })
    ).callbackUrl
    // The app routes the callback to a page of its own and calls completeRedirect() there.
    const page = new URL(callbackUrl)
    page.pathname = '/finish'
    const replaced = pageAt(page.href)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect()
    expect(done?.returnTo).toBe('https://app.example/chat?room=1')
    expect(done?.server.getSnapshot().status).toBe('authorized')
    expect(replaced).toEqual([[{ app: 'state' }, '', 'https://app.example/chat?room=1']])
  })

  test('without a return URL the address bar keeps the page, without the response', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (await leaveForTheAs(mock, w, storage)).callbackUrl
    const page = new URL(callbackUrl)
    page.pathname = '/finish'
    const replaced = pageAt(page.href)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect()
    expect(done?.server.getSnapshot().status).toBe('authorized')
    expect(replaced).toEqual([[{ app: 'state' }, '', 'https://app.example/finish']])
  })

  test('without a history API the flow still finishes', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (await leaveForTheAs(mock, w, storage)).callbackUrl
    vi.stubGlobal('location', new URL(callbackUrl))
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect()
    expect(done?.server.getSnapshot().status).toBe('authorized')
  })

  test('on a page without a response it resolves undefined and changes nothing', async () => {
    const replaced = pageAt('https://app.example/chat?state=abc')
    const auth = createMcpAuth({
      redirectUri: REDIRECT,
      storage: memoryStorage(),
      driver: vi.fn(async () => ''),
    })
    expect(await auth.completeRedirect()).toBeUndefined()
    expect(replaced).toEqual([])
  })
})

describe('the app bundle started on the redirect URI', () => {
  function landAt(href: string) {
    const replaced = pageAt(href)
    vi.stubGlobal('window', globalThis)
    vi.stubGlobal('BroadcastChannel', undefined)
    return replaced
  }

  test('completeRedirect() hands over what the landing finished; an explicit URL is read afresh', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    const callbackUrl = (
      await leaveForTheAs(mock, w, storage, { returnTo: 'https://app.example/chat' })
    ).callbackUrl
    landAt(callbackUrl)
    const after = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver() })
    const done = await after.completeRedirect()
    expect(done?.returnTo).toBe('https://app.example/chat')
    expect(done?.server.getSnapshot().status).toBe('authorized')
    expect(await after.completeRedirect()).toBe(done)
    expect(await after.completeRedirect(`${REDIRECT}?nothing=here`)).toBeUndefined()
    expect(w.grants('authorization_code')).toHaveLength(1)
  })
})
