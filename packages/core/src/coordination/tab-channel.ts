import type { HeardMessage, TabLink } from '../contracts/tabs.js'
import { readTabMessage, TAB_CHANNEL } from './tab-messages.js'

/**
 * One `BroadcastChannel` for every server of an auth instance (see {@link TabLink}), opened on
 * first use. Without `BroadcastChannel`, the page coming back into view stands for a message to
 * every server: another tab may have written meanwhile.
 */
export function tabChannel(): TabLink {
  const listeners = new Map<string, (message: HeardMessage | undefined) => void>()
  const page = (globalThis as { document?: Document }).document
  let channel: BroadcastChannel | undefined
  /** Opened once: never again after `dispose()`. */
  let opened = false
  const visible = () => {
    if (page?.visibilityState !== 'visible') return
    // Counted as a message heard: what was read before may be out of date.
    link.heard++
    for (const listener of listeners.values()) listener(undefined)
  }
  const link: TabLink = {
    heard: 0,
    open() {
      if (opened) return
      opened = true
      if (typeof BroadcastChannel === 'undefined') {
        page?.addEventListener?.('visibilitychange', visible)
        return
      }
      channel = new BroadcastChannel(TAB_CHANNEL)
      // Node keeps a process alive while a channel is open; a page does not need this.
      ;(channel as { unref?: () => void }).unref?.()
      channel.onmessage = ({ data }: MessageEvent<unknown>) => {
        const message = readTabMessage(data)
        if (!message) return
        link.heard++
        listeners.get(message.resource)?.(message)
      }
    },
    listen(resource, listener) {
      listeners.set(resource, listener)
      link.open()
    },
    post(message) {
      // Before first use, or once disposed, a channel of its own carries the message.
      const own =
        channel ??
        (typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(TAB_CHANNEL))
      own?.postMessage(message)
      if (own !== channel) own?.close()
    },
    dispose() {
      opened = true
      channel?.close()
      channel = undefined
      page?.removeEventListener?.('visibilitychange', visible)
      listeners.clear()
    },
  }
  return link
}
