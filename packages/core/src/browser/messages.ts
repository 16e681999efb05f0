/**
 * The same-origin messages between the callback page and the window waiting for it.
 * The callback URL travels only to this origin: `postMessage` pinned to `location.origin`, or a
 * `BroadcastChannel` (same-origin by construction) when the popup's opener link was cut by a
 * Cross-Origin-Opener-Policy on the authorization server. The code in it is useless without the
 * PKCE verifier, which never leaves storage.
 */

/** Name of the `BroadcastChannel` both sides use. */
export const CHANNEL = 'mcp-oauth'

/** Sent by the callback page: the full callback URL of one flow. */
export interface CallbackMessage {
  readonly type: 'mcp-oauth:callback'
  readonly state: string
  readonly url: string
}

/** Sent back over the channel by the window that owns the flow, so the popup may close. */
export interface AckMessage {
  readonly type: 'mcp-oauth:ack'
  readonly state: string
}

/** Narrows untrusted message data to a callback for `state`. */
export function isCallbackFor(data: unknown, state: string): data is CallbackMessage {
  const message = data as Partial<CallbackMessage> | null
  return (
    typeof message === 'object' &&
    message !== null &&
    message.type === 'mcp-oauth:callback' &&
    message.state === state &&
    typeof message.url === 'string'
  )
}

/** Narrows untrusted message data to an acknowledgement for `state`. */
export function isAckFor(data: unknown, state: string): data is AckMessage {
  const message = data as Partial<AckMessage> | null
  return (
    typeof message === 'object' &&
    message !== null &&
    message.type === 'mcp-oauth:ack' &&
    message.state === state
  )
}
