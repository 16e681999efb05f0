import type { Controller } from './controller.js'

/**
 * A timer that stops when its element is removed, so nothing runs for an element that is
 * gone: a debounce, a throttled announcement, a countdown (`every`: again and again).
 */
export class Timer implements Controller {
  readonly #ms: number
  readonly #run: () => void
  readonly #every: boolean
  #id: ReturnType<typeof setTimeout> | undefined

  constructor(
    host: { addController(controller: Controller): void },
    ms: number,
    run: () => void,
    every = false,
  ) {
    this.#ms = ms
    this.#run = run
    this.#every = every
    host.addController(this)
  }

  /** Starts the timer, unless it is running already. */
  start(): void {
    if (this.#id !== undefined) return
    this.#id = this.#every
      ? setInterval(this.#run, this.#ms)
      : setTimeout(() => {
          this.#id = undefined
          this.#run()
        }, this.#ms)
  }

  stop(): void {
    if (this.#every) clearInterval(this.#id)
    else clearTimeout(this.#id)
    this.#id = undefined
  }

  hostDisconnected(): void {
    this.stop()
  }
}
