import type { AuthorizationDriverRequest, BrowserDriverOptions } from '../contracts/driver.js'
import { AuthorizationError } from '../errors.js'
import { type AckMessage, CHANNEL, isCallbackFor } from './messages.js'
import { readPopup } from './popup-watch.js'

/**
 * Waits for the callback of one flow, whichever way it comes first: the popup seen at the
 * redirect URI with this flow's `state` (a single-page app's fallback route needs no code for
 * it), a same-origin `postMessage` from the popup, or a `BroadcastChannel` message when the
 * opener link was cut. Only `location.origin` and this flow's `state` are accepted; the sender
 * gets an acknowledgement so it may close. A popup that stays on this origin without delivering
 * fails the flow with `callback_not_delivered` after `deliveryGraceMs`, never the full timeout.
 */
export function waitForCallback(
  popup: Window,
  request: AuthorizationDriverRequest,
  options: BrowserDriverOptions,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
    const ack: AckMessage = { type: 'mcp-oauth:ack', state: request.state }
    const cleanup = () => {
      clearTimeout(timeout)
      clearTimeout(grace)
      clearTimeout(undelivered)
      clearInterval(watch)
      removeEventListener('message', onMessage)
      request.signal.removeEventListener('abort', onAbort)
      channel?.close()
    }
    const fail = (
      code: 'cancelled' | 'timeout' | 'callback_not_delivered',
      message: string,
      details?: Record<string, unknown>,
    ) => {
      cleanup()
      reject(new AuthorizationError(code, message, details ? { details } : {}))
    }
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== location.origin || !isCallbackFor(event.data, request.state)) return
      // Answer on the path the message came by, so the callback page may close.
      const source = event.source as Window | null
      if (source) source.postMessage(ack, location.origin)
      else channel?.postMessage(ack)
      cleanup()
      resolve(event.data.url)
    }
    const onAbort = () => fail('cancelled', 'The authorization was cancelled')
    let grace: ReturnType<typeof setTimeout> | undefined
    let undelivered: ReturnType<typeof setTimeout> | undefined
    const watch = setInterval(() => {
      const view = readPopup(popup, request.redirectUri, request.state)
      if (view.kind === 'callback') {
        cleanup()
        popup.close()
        resolve(view.url)
        return
      }
      if (view.kind !== 'elsewhere') {
        clearTimeout(undelivered)
        undelivered = undefined
      } else {
        undelivered ??= setTimeout(
          () =>
            fail(
              'callback_not_delivered',
              `No authorization response came back from ${view.page}; does ${request.redirectUri} load the kit?`,
              { redirectUri: request.redirectUri, page: view.page },
            ),
          options.deliveryGraceMs ?? 3000,
        )
      }
      if (!popup.closed || grace) return
      request.onPopup?.('closed')
      grace = setTimeout(
        () => fail('cancelled', 'The authorization window was closed'),
        options.closedGraceMs ?? 120_000,
      )
    }, 250)
    const timeout = setTimeout(
      () => fail('timeout', 'No answer from the authorization server in time'),
      options.timeoutMs ?? 600_000,
    )
    addEventListener('message', onMessage)
    if (channel) channel.onmessage = onMessage
    request.signal.addEventListener('abort', onAbort)
    // Cancelled while this code was loading.
    if (request.signal.aborted) onAbort()
  })
}
