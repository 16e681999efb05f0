import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { AuthorizationDriverRequest, BrowserDriverOptions } from '../contracts/driver.js'
import { AuthorizationError } from '../errors.js'
import { waitForCallback } from './wait-for-callback.js'

const ORIGIN = 'https://app.example'
const REDIRECT = `${ORIGIN}/oauth/callback`
const CALLBACK = `${REDIRECT}?code=c&state=s1`
const message = { type: 'mcp-oauth:callback', state: 's1', url: CALLBACK }
const ack = { type: 'mcp-oauth:ack', state: 's1' }

/** A same-origin `BroadcastChannel` whose traffic the test reads and writes. */
class FakeChannel {
  static all: FakeChannel[] = []
  readonly posted: unknown[] = []
  closed = 0
  onmessage: ((event: MessageEvent) => void) | null = null
  constructor(readonly name: string) {
    FakeChannel.all.push(this)
  }
  postMessage(data: unknown) {
    this.posted.push(data)
  }
  close() {
    this.closed++
  }
}

let listeners: Set<(event: MessageEvent) => void>

/** The opener page: its `message` listeners, its origin, a channel, and its popup. */
function page(options: { channel?: boolean } = {}) {
  listeners = new Set()
  FakeChannel.all = []
  vi.stubGlobal('location', new URL(`${ORIGIN}/chat`))
  vi.stubGlobal('addEventListener', (type: string, fn: (event: MessageEvent) => void) => {
    if (type === 'message') listeners.add(fn)
  })
  vi.stubGlobal('removeEventListener', (type: string, fn: (event: MessageEvent) => void) => {
    if (type === 'message') listeners.delete(fn)
  })
  vi.stubGlobal('BroadcastChannel', options.channel === false ? undefined : FakeChannel)
  let href: string | (() => string) = 'about:blank'
  const popup = {
    closed: false,
    close: vi.fn(() => {
      popup.closed = true
    }),
    location: {
      get href() {
        return typeof href === 'function' ? href() : href
      },
    },
    /** Where the popup is now; a function throws like a cross-origin page. */
    at(next: string | (() => string)) {
      href = next
    },
  }
  return popup
}

const crossOrigin = () => {
  throw new DOMException('Blocked a frame', 'SecurityError')
}

function post(data: unknown, init: { origin?: string; source?: unknown } = {}) {
  const event = { data, origin: init.origin ?? ORIGIN, source: init.source ?? null }
  for (const fn of [...listeners]) fn(event as MessageEvent)
}

function start(
  popup: ReturnType<typeof page>,
  options: BrowserDriverOptions = {},
  extra: { signal?: AbortSignal; reportsPopup?: boolean } = {},
) {
  const controller = new AbortController()
  const onPopup = vi.fn()
  const request: AuthorizationDriverRequest = {
    url: 'https://auth.example/authorize?state=s1',
    redirectUri: REDIRECT,
    state: 's1',
    signal: extra.signal ?? controller.signal,
    ...(extra.reportsPopup === false ? {} : { onPopup }),
  }
  const result = waitForCallback(popup as unknown as Window, request, options)
  const outcome = { settled: false }
  result.then(
    () => {
      outcome.settled = true
    },
    () => {
      outcome.settled = true
    },
  )
  return { result, controller, onPopup, outcome }
}

/** Lets the promise callbacks run. */
const flush = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

test('a same-origin message for this flow resolves with its URL and is acknowledged to its sender', async () => {
  const popup = page()
  const { result } = start(popup)
  const sender = { postMessage: vi.fn() }
  post(message, { source: sender })
  await expect(result).resolves.toBe(CALLBACK)
  expect(sender.postMessage).toHaveBeenCalledExactlyOnceWith(ack, ORIGIN)
  // Nothing is left listening or ticking.
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
  expect(FakeChannel.all[0]?.closed).toBe(1)
  expect(FakeChannel.all[0]?.posted).toEqual([])
})

test('messages from another origin, of another flow or of another kind are ignored', async () => {
  const popup = page()
  const { result, outcome } = start(popup)
  const sender = { postMessage: vi.fn() }
  post(message, { origin: 'https://evil.example', source: sender })
  post({ ...message, state: 's2' }, { source: sender })
  post({ ...message, type: 'mcp-oauth:ack' }, { source: sender })
  post({ type: 'mcp-oauth:callback', state: 's1' }, { source: sender })
  post('mcp-oauth:callback', { source: sender })
  FakeChannel.all[0]?.onmessage?.({
    data: message,
    origin: 'https://evil.example',
    source: null,
  } as unknown as MessageEvent)
  await flush()
  expect(outcome.settled).toBe(false)
  expect(sender.postMessage).not.toHaveBeenCalled()
  expect(FakeChannel.all[0]?.posted).toEqual([])
  // The right one still gets through afterwards.
  post({ ...message, url: `${CALLBACK}&iss=x` })
  await expect(result).resolves.toBe(`${CALLBACK}&iss=x`)
})

test('a message over the mcp-oauth channel resolves the flow and is acknowledged on the channel', async () => {
  const popup = page()
  const { result } = start(popup)
  expect(FakeChannel.all.map((c) => c.name)).toEqual(['mcp-oauth'])
  const [channel] = FakeChannel.all
  channel?.onmessage?.({ data: message, origin: ORIGIN, source: null } as unknown as MessageEvent)
  await expect(result).resolves.toBe(CALLBACK)
  expect(channel?.posted).toEqual([ack])
  expect(channel?.closed).toBe(1)
  expect(listeners.size).toBe(0)
})

test('without BroadcastChannel a same-origin message still resolves the flow', async () => {
  const popup = page({ channel: false })
  const { result } = start(popup)
  post(message)
  await expect(result).resolves.toBe(CALLBACK)
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
})

test('the popup seen at the redirect URI with this flow’s response resolves it and is closed', async () => {
  const popup = page()
  const { result, outcome, onPopup } = start(popup)
  popup.at(crossOrigin)
  await vi.advanceTimersByTimeAsync(1000)
  expect(outcome.settled).toBe(false)
  popup.at(CALLBACK)
  await vi.advanceTimersByTimeAsync(250)
  await expect(result).resolves.toBe(CALLBACK)
  expect(popup.close).toHaveBeenCalledOnce()
  expect(onPopup).not.toHaveBeenCalled()
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
  expect(FakeChannel.all[0]?.closed).toBe(1)
})

test('a popup left on another page of this origin fails as not delivered after the delivery grace', async () => {
  const popup = page()
  const { result, outcome } = start(popup, { deliveryGraceMs: 5000 })
  popup.at(`${ORIGIN}/chat?code=c&state=s1`)
  await vi.advanceTimersByTimeAsync(4000)
  expect(outcome.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(1500)
  const error = await result.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthorizationError)
  expect(error).toMatchObject({
    code: 'callback_not_delivered',
    message: `No authorization response came back from ${ORIGIN}/chat; does ${REDIRECT} load the kit?`,
    details: { redirectUri: REDIRECT, page: `${ORIGIN}/chat` },
  })
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
  expect(FakeChannel.all[0]?.closed).toBe(1)
})

test('the delivery grace is 3 seconds by default', async () => {
  const popup = page()
  const { result, outcome } = start(popup)
  popup.at(REDIRECT)
  await vi.advanceTimersByTimeAsync(2500)
  expect(outcome.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(1000)
  await expect(result).rejects.toMatchObject({ code: 'callback_not_delivered' })
})

test('the delivery grace starts again when the popup leaves this origin in between', async () => {
  const popup = page()
  const { result, outcome } = start(popup, { deliveryGraceMs: 2000 })
  popup.at(REDIRECT)
  await vi.advanceTimersByTimeAsync(1500)
  popup.at(crossOrigin)
  await vi.advanceTimersByTimeAsync(1500)
  popup.at(`${ORIGIN}/`)
  await vi.advanceTimersByTimeAsync(1500)
  expect(outcome.settled).toBe(false)
  popup.at('about:blank')
  await vi.advanceTimersByTimeAsync(5000)
  expect(outcome.settled).toBe(false)
  post(message)
  await expect(result).resolves.toBe(CALLBACK)
})

test('a closed popup is reported once and cancels the flow after the closed grace', async () => {
  const popup = page()
  const { result, outcome, onPopup } = start(popup, { closedGraceMs: 10_000 })
  popup.closed = true
  await vi.advanceTimersByTimeAsync(9000)
  expect(onPopup.mock.calls).toEqual([['closed']])
  expect(outcome.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(1500)
  const error = await result.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthorizationError)
  expect(error).toMatchObject({
    code: 'cancelled',
    message: 'The authorization window was closed',
    details: undefined,
  })
  expect(onPopup).toHaveBeenCalledOnce()
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
})

test('a popup reported closed by a cut opener link still delivers within the grace, 2 minutes by default', async () => {
  const popup = page()
  // No one listens for the popup's state here.
  const { result, outcome } = start(popup, {}, { reportsPopup: false })
  popup.closed = true
  vi.advanceTimersByTime(100_000)
  await flush()
  expect(outcome.settled).toBe(false)
  FakeChannel.all[0]?.onmessage?.({
    data: message,
    origin: ORIGIN,
    source: null,
  } as unknown as MessageEvent)
  await expect(result).resolves.toBe(CALLBACK)
})

test('the closed grace is 2 minutes by default', async () => {
  const popup = page()
  const { result, outcome } = start(popup)
  popup.closed = true
  vi.advanceTimersByTime(110_000)
  await flush()
  expect(outcome.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(20_000)
  await expect(result).rejects.toMatchObject({
    code: 'cancelled',
    message: 'The authorization window was closed',
  })
})

test('a flow with no answer times out', async () => {
  const popup = page()
  const { result, outcome } = start(popup, { timeoutMs: 30_000 })
  popup.at(crossOrigin)
  await vi.advanceTimersByTimeAsync(29_000)
  expect(outcome.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(2000)
  const error = await result.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthorizationError)
  expect(error).toMatchObject({
    code: 'timeout',
    message: 'No answer from the authorization server in time',
    details: undefined,
  })
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
  expect(FakeChannel.all[0]?.closed).toBe(1)
})

test('the timeout is 10 minutes by default', async () => {
  const popup = page()
  const { result, outcome } = start(popup)
  popup.at(crossOrigin)
  vi.advanceTimersByTime(590_000)
  await flush()
  expect(outcome.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(20_000)
  await expect(result).rejects.toMatchObject({ code: 'timeout' })
})

test('aborting the flow cancels it and stops listening', async () => {
  const popup = page()
  const { result, outcome, controller } = start(popup)
  const removed = vi.spyOn(controller.signal, 'removeEventListener')
  await flush()
  expect(outcome.settled).toBe(false)
  controller.abort()
  const error = await result.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthorizationError)
  expect(error).toMatchObject({
    code: 'cancelled',
    message: 'The authorization was cancelled',
    details: undefined,
  })
  expect(removed).toHaveBeenCalledWith('abort', expect.any(Function))
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
  expect(FakeChannel.all[0]?.closed).toBe(1)
})

test('a resolved flow leaves no abort listener behind', async () => {
  const popup = page()
  const controller = new AbortController()
  const added = vi.spyOn(controller.signal, 'addEventListener')
  const removed = vi.spyOn(controller.signal, 'removeEventListener')
  const { result } = start(popup, {}, { signal: controller.signal })
  expect(added).toHaveBeenCalledExactlyOnceWith('abort', expect.any(Function))
  post(message)
  await expect(result).resolves.toBe(CALLBACK)
  expect(removed).toHaveBeenCalledExactlyOnceWith('abort', added.mock.calls[0]?.[1])
  // A later abort changes nothing.
  controller.abort()
  await flush()
  expect(FakeChannel.all[0]?.closed).toBe(1)
})
