import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { handleCallback } from './callback-page.js'

const ORIGIN = 'https://app.example'
const CALLBACK = `${ORIGIN}/oauth/callback?code=c&state=s1`
const message = { type: 'mcp-oauth:callback', state: 's1', url: CALLBACK }
const ack = { type: 'mcp-oauth:ack', state: 's1' }

type Listener = (event: MessageEvent) => void

/** A same-origin `BroadcastChannel` whose traffic the test reads and answers. */
class FakeChannel {
  static all: FakeChannel[] = []
  static answer: ((channel: FakeChannel, data: unknown) => void) | undefined
  readonly posted: unknown[] = []
  closed = 0
  onmessage: Listener | null = null
  constructor(readonly name: string) {
    FakeChannel.all.push(this)
  }
  postMessage(data: unknown) {
    this.posted.push(data)
    FakeChannel.answer?.(this, data)
  }
  close() {
    this.closed++
  }
  /** A message from another same-origin context. */
  receive(data: unknown, origin = ORIGIN) {
    this.onmessage?.({ data, origin, source: null } as unknown as MessageEvent)
  }
}

let listeners: Set<Listener>

/**
 * The callback page at `href`, opened by `opener` (or not), with a `BroadcastChannel` unless
 * `channel` is false.
 */
function callbackPage(
  href: string,
  options: {
    opener?: { postMessage: (...args: unknown[]) => void } | null
    channel?: boolean
  } = {},
) {
  listeners = new Set()
  FakeChannel.all = []
  FakeChannel.answer = undefined
  const replaceState = vi.fn()
  const close = vi.fn()
  vi.stubGlobal('location', new URL(href))
  vi.stubGlobal('history', { state: null, replaceState })
  vi.stubGlobal('window', { opener: options.opener ?? null, close })
  vi.stubGlobal('addEventListener', (type: string, fn: Listener) => {
    if (type === 'message') listeners.add(fn)
  })
  vi.stubGlobal('removeEventListener', (type: string, fn: Listener) => {
    if (type === 'message') listeners.delete(fn)
  })
  vi.stubGlobal('BroadcastChannel', options.channel === false ? undefined : FakeChannel)
  return { replaceState, close }
}

/** A message arriving on this window, as the opener's acknowledgement would. */
function receive(data: unknown, origin = ORIGIN) {
  for (const fn of [...listeners]) fn({ data, origin, source: null } as unknown as MessageEvent)
}

/** An opener that acknowledges with `reply` (or never answers). */
function opener(reply?: (data: unknown) => void) {
  return { postMessage: vi.fn((data: unknown) => reply?.(data)) }
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
  await vi.advanceTimersByTimeAsync(0)
  return done
}

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

test('the opener gets the callback URL at this origin, acknowledges it, and the popup closes', async () => {
  const parent = opener(() => receive(ack))
  const { replaceState, close } = callbackPage(CALLBACK, { opener: parent })
  await expect(handleCallback()).resolves.toEqual({ delivered: true })
  expect(parent.postMessage).toHaveBeenCalledExactlyOnceWith(message, ORIGIN)
  // The response leaves the address bar and history before anything is sent.
  expect(replaceState).toHaveBeenCalledExactlyOnceWith(null, '', '/oauth/callback')
  expect(close).toHaveBeenCalledOnce()
  // Only the opener heard it.
  expect(FakeChannel.all).toEqual([])
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
})

test('an explicit URL is delivered as given and the address bar is left alone', async () => {
  const url = `${ORIGIN}/other?code=x&state=s1`
  const parent = opener(() => receive(ack))
  const { replaceState } = callbackPage(`${ORIGIN}/app`, { opener: parent })
  await expect(handleCallback({ url })).resolves.toEqual({ delivered: true })
  expect(parent.postMessage).toHaveBeenCalledExactlyOnceWith({ ...message, url }, ORIGIN)
  expect(replaceState).not.toHaveBeenCalled()
})

test('a URL without state is unclaimed at once, sent nowhere, and still stripped', async () => {
  for (const href of [`${ORIGIN}/oauth/callback?code=c`, `${ORIGIN}/oauth/callback?state=`]) {
    const parent = opener(() => receive(ack))
    const { replaceState, close } = callbackPage(href, { opener: parent })
    await expect(handleCallback()).resolves.toEqual({ delivered: false, url: href })
    expect(replaceState).toHaveBeenCalledExactlyOnceWith(null, '', '/oauth/callback')
    expect(parent.postMessage).not.toHaveBeenCalled()
    expect(FakeChannel.all).toEqual([])
    expect(close).not.toHaveBeenCalled()
    vi.unstubAllGlobals()
  }
})

test('without an answer from the opener the channel carries it; its acknowledgement closes the popup', async () => {
  const parent = opener()
  const { close } = callbackPage(CALLBACK, { opener: parent })
  FakeChannel.answer = (channel) => channel.receive(ack)
  const result = handleCallback({ ackTimeoutMs: 200 })
  expect(await settled(result)).toBe(false)
  expect(FakeChannel.all).toEqual([])
  await vi.advanceTimersByTimeAsync(200)
  await expect(result).resolves.toEqual({ delivered: true })
  expect(parent.postMessage).toHaveBeenCalledExactlyOnceWith(message, ORIGIN)
  expect(FakeChannel.all.map((c) => [c.name, c.posted, c.closed])).toEqual([
    ['mcp-oauth', [message], 1],
  ])
  expect(close).toHaveBeenCalledOnce()
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
})

test('a cut opener link goes straight to the channel', async () => {
  const { close } = callbackPage(CALLBACK, { opener: null })
  FakeChannel.answer = (channel) => channel.receive(ack)
  await expect(handleCallback()).resolves.toEqual({ delivered: true })
  expect(FakeChannel.all.map((c) => c.posted)).toEqual([[message]])
  expect(close).toHaveBeenCalledOnce()
})

test('an acknowledgement on the window also counts while the channel waits', async () => {
  callbackPage(CALLBACK)
  FakeChannel.answer = () => receive(ack)
  await expect(handleCallback()).resolves.toEqual({ delivered: true })
  expect(FakeChannel.all[0]?.closed).toBe(1)
})

test('an opener that throws on postMessage hands over to the channel at once', async () => {
  const parent = {
    postMessage: vi.fn(() => {
      throw new DOMException('The opener is gone', 'InvalidStateError')
    }),
  }
  callbackPage(CALLBACK, { opener: parent })
  FakeChannel.answer = (channel) => channel.receive(ack)
  const result = handleCallback()
  expect(await settled(result)).toBe(true)
  await expect(result).resolves.toEqual({ delivered: true })
  expect(FakeChannel.all).toHaveLength(1)
})

test('the opener has one second by default to acknowledge', async () => {
  const parent = opener()
  callbackPage(CALLBACK, { opener: parent })
  const result = handleCallback()
  await vi.advanceTimersByTimeAsync(800)
  expect(FakeChannel.all).toEqual([])
  receive(ack)
  await expect(result).resolves.toEqual({ delivered: true })
  expect(FakeChannel.all).toEqual([])
})

test('acknowledgements from another origin, for another flow or of another kind do not count', async () => {
  const parent = opener(() => {
    receive(ack, 'https://evil.example')
    receive({ ...ack, state: 's2' })
    receive({ type: 'mcp-oauth:callback', state: 's1' })
    receive(null)
  })
  const { close } = callbackPage(CALLBACK, { opener: parent })
  FakeChannel.answer = (channel) => {
    channel.receive(ack, 'https://evil.example')
    channel.receive({ ...ack, state: 's2' })
  }
  const result = handleCallback({ ackTimeoutMs: 300 })
  await vi.advanceTimersByTimeAsync(299)
  expect(await settled(result)).toBe(false)
  // The opener's wait ends, then the channel's.
  await vi.advanceTimersByTimeAsync(1)
  expect(FakeChannel.all).toHaveLength(1)
  await vi.advanceTimersByTimeAsync(300)
  await expect(result).resolves.toEqual({ delivered: false, url: CALLBACK })
  expect(close).not.toHaveBeenCalled()
  expect(FakeChannel.all[0]?.closed).toBe(1)
  expect(listeners.size).toBe(0)
  expect(vi.getTimerCount()).toBe(0)
})

test('with nobody waiting (a full-page redirect) the URL is handed back unclaimed', async () => {
  const { close } = callbackPage(CALLBACK)
  const result = handleCallback()
  await vi.advanceTimersByTimeAsync(1000)
  await expect(result).resolves.toEqual({ delivered: false, url: CALLBACK })
  expect(close).not.toHaveBeenCalled()
  expect(FakeChannel.all.map((c) => [c.posted, c.closed])).toEqual([[[message], 1]])
})

test('without an opener or BroadcastChannel the URL is unclaimed at once', async () => {
  const { close } = callbackPage(CALLBACK, { channel: false })
  const result = handleCallback()
  expect(await settled(result)).toBe(true)
  await expect(result).resolves.toEqual({ delivered: false, url: CALLBACK })
  expect(close).not.toHaveBeenCalled()
  expect(listeners.size).toBe(0)
})

test('an opener that does not answer, without BroadcastChannel, leaves the URL unclaimed', async () => {
  const parent = opener()
  const { close } = callbackPage(CALLBACK, { opener: parent, channel: false })
  const result = handleCallback({ ackTimeoutMs: 50 })
  await vi.advanceTimersByTimeAsync(50)
  await expect(result).resolves.toEqual({ delivered: false, url: CALLBACK })
  expect(parent.postMessage).toHaveBeenCalledOnce()
  expect(close).not.toHaveBeenCalled()
})
