import type { McpServerSnapshot, McpServerStatus } from '../types.js'

const HELD: McpServerStatus[] = ['authorized', 'refreshing', 'needs-step-up']

/**
 * What a change of snapshot means for an app that reacts to a server becoming usable:
 * - `authorized`: the user just authorized here, by finishing an authorization
 *   (`authorizing` → `authorized`) or with a token they typed (`needs-token` → `authorized`);
 * - `restored`: the server turned out to be authorized without that: tokens found in storage
 *   on load, or stored by another tab;
 * - `undefined`: anything else: a refresh, a step-up granted in another tab, a recovery from
 *   an error while the tokens were kept (the session was there all along).
 *
 * `previous` is the snapshot seen before `current`; `undefined` for the first one, so a server
 * already authorized when a UI first reads it is `restored`. The elements' `mcp-authorized` and
 * `mcp-restored` events and React's `onAuthorized` and `onRestored` follow this rule.
 */
export function authorizationChange(
  previous: Pick<McpServerSnapshot, 'status' | 'tokenType'> | undefined,
  current: Pick<McpServerSnapshot, 'status'>,
): 'authorized' | 'restored' | undefined {
  if (current.status !== 'authorized') return undefined
  const status = previous?.status
  if (status === 'authorizing' || status === 'needs-token') return 'authorized'
  // `tokenType` is set while tokens are held; these statuses always hold them.
  const held = !!previous?.tokenType || HELD.includes(status as McpServerStatus)
  return held ? undefined : 'restored'
}
