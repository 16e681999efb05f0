import type { McpServerSnapshot } from '../contracts/snapshot.js'

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
  const before = previous?.status
  if (current.status !== 'authorized') return undefined
  if (before === 'authorizing' || before === 'needs-token') return 'authorized'
  // The tokens were there all along: `tokenType` is set while they are held, and these
  // statuses always hold them.
  const held =
    previous?.tokenType ||
    before === 'authorized' ||
    before === 'refreshing' ||
    before === 'needs-step-up'
  return held ? undefined : 'restored'
}
