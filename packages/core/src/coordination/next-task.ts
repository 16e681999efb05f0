/**
 * Resolves in a later task, after the messages already queued. A `MessageChannel` hop, not a
 * timer: timers in a background tab wait up to a second.
 */
export const nextTask = () =>
  new Promise<void>((resolve) => {
    const { port1, port2 } = new MessageChannel()
    port1.onmessage = () => {
      port1.close()
      resolve()
    }
    port2.postMessage(0)
  })
