/**
 * What one tab tells the others of the same origin when a server's stored session changed.
 * Only the server's resource URI, the kind of change, the generation and a random revision
 * cross: never a token, code, verifier, state or secret. Each receiving tab re-reads the store,
 * so a message is trusted for nothing: a receiver reads only the server and the kind (the
 * generation and the revision are still sent, for tabs that run an earlier version).
 */
export interface TabMessage {
  readonly resource: string
  /** `tokens`: the token record was written or removed; `client`: a client ID was stored. */
  readonly change: 'tokens' | 'client'
  /** The generation of the tokens after the write (see `TokenSession`). */
  readonly generation: number
  /** Random per write, so that two writes of one generation (a refresh) differ too. */
  readonly revision: string
}

/** What a receiving tab reads of a message: which server, and what changed. */
export type HeardMessage = Pick<TabMessage, 'resource' | 'change'>

/**
 * The one channel of an auth instance to the other tabs and instances of its origin. Messages
 * name their server and reach that server's listener only. Without `BroadcastChannel`, every
 * listener hears `undefined` when the page comes back into view.
 */
export interface TabLink {
  /** Opens the channel, if it is not open yet (and the instance is not disposed). */
  open(): void
  /** How many messages were heard so far, to tell whether a read may have missed one. */
  heard: number
  /** Routes the messages about `resource` to `listener`, opening the channel. */
  listen(resource: string, listener: (message: HeardMessage | undefined) => void): void
  post(message: TabMessage): void
  /** Closes the channel for good; later posts still reach the other tabs. */
  dispose(): void
}
