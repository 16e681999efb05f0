import type { HeardMessage, TabLink } from '../contracts/tabs.js'
import { readTabMessage, TAB_CHANNEL } from './tab-messages.js'

/**
 * One `BroadcastChannel` for every server of an auth instance (see {@link TabLink}), opened on
 * first use. Every browser the kit runs in has one; where there is none (a server runtime),
 * nothing is heard and nothing is sent.
 */
export function tabChannel(): TabLink {
  const listeners = new Map<string, (message: HeardMessage) => void>()
  let channel: BroadcastChannel | undefined
  /** Opened once: never again after `dispose()`. */
  let opened = false
  const link: TabLink = {
    heard: 0,
    open() {
      if (opened || typeof BroadcastChannel === 'undefined') return
      opened = true
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
      listeners.clear()
    },
  }
  return link
}
