import type { Controller } from './controller.js'

interface Host {
  readonly isConnected: boolean
  addController(controller: Controller): void
}

/**
 * Listens to one source while its element is connected: the handle for the element's
 * `server-url`, or an instance's event stream. On each update it asks the element which source
 * that is now, and moves its listener when the answer changes; on removal it lets go.
 */
export class Subscription<Source> implements Controller {
  readonly #host: Host
  readonly #select: () => Source | undefined
  readonly #listen: (source: Source) => (() => void) | undefined
  #source: Source | undefined
  #stop: (() => void) | undefined

  constructor(
    host: Host,
    select: () => Source | undefined,
    listen: (source: Source) => (() => void) | undefined,
  ) {
    this.#host = host
    this.#select = select
    this.#listen = listen
    host.addController(this)
  }

  /** The source listened to, if any. */
  get source(): Source | undefined {
    return this.#source
  }

  hostUpdate(): void {
    const next = this.#host.isConnected ? this.#select() : undefined
    if (next === this.#source) return
    this.#stop?.()
    this.#stop = undefined
    this.#source = next
    if (next !== undefined) this.#stop = this.#listen(next)
  }

  hostDisconnected(): void {
    this.hostUpdate()
  }
}
