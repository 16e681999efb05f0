import { type CallbackMessage, CHANNEL, isAckFor } from './messages.js'

// The callback page: it hands the response to the window that started the flow, and never
// imports the protocol code.

export interface HandleCallbackOptions {
  /** The callback URL. Defaults to `location.href`. */
  url?: string
  /** How long to wait for the window that started the flow to claim it. Default 1000 ms. */
  ackTimeoutMs?: number
}

/**
 * What happened to the callback: `delivered` to the window that started the flow (this popup is
 * closing), or `unclaimed`: no window is waiting for it, which is the case after a full-page
 * redirect. Then pass `url` to `auth.completeRedirect(url)`.
 */
export type CallbackResult = { delivered: true } | { delivered: false; url: string }

/**
 * Hands an authorization response (RFC 6749 §4.1.2) to the window that started the flow, over
 * same-origin channels only: `postMessage` to the opener pinned to `location.origin`, and a
 * `BroadcastChannel` for popups whose opener link was cut by Cross-Origin-Opener-Policy.
 * It first strips the response from the address bar and history, renders nothing, logs nothing,
 * and closes the popup once the flow's owner acknowledged the message.
 */
export async function handleCallback(options: HandleCallbackOptions = {}): Promise<CallbackResult> {
  const url = options.url ?? location.href
  const current = new URL(url)
  const state = current.searchParams.get('state')
  if (options.url === undefined) history.replaceState(null, '', current.pathname)
  if (!state) return { delivered: false, url }

  const message: CallbackMessage = { type: 'mcp-oauth:callback', state, url }
  const timeout = options.ackTimeoutMs ?? 1000
  const opener = window.opener as Window | null
  // The opener first: the response then reaches exactly one window. The channel, which every
  // same-origin context hears, only when the opener link is gone (COOP) or nobody answered.
  let delivered = false
  if (opener) delivered = await deliver((m) => opener.postMessage(m, location.origin), timeout)
  if (!delivered && typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CHANNEL)
    delivered = await deliver((m) => channel.postMessage(m), timeout, channel)
    channel.close()
  }
  if (!delivered) return { delivered: false, url }
  window.close()
  return { delivered: true }

  /** Posts the response and resolves whether the flow's owner acknowledged it in time. */
  function deliver(
    post: (message: CallbackMessage) => void,
    ms: number,
    channel?: BroadcastChannel,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer)
        removeEventListener('message', onMessage)
        resolve(value)
      }
      const timer = setTimeout(() => done(false), ms)
      const onMessage = (event: MessageEvent) => {
        if (event.origin === location.origin && isAckFor(event.data, message.state)) done(true)
      }
      addEventListener('message', onMessage)
      if (channel) channel.onmessage = onMessage
      try {
        post(message)
      } catch {
        done(false)
      }
    })
  }
}
