import { sameOriginUrl } from '../authorize/return-to.js'
import type { McpAuth } from '../contracts/instance.js'
import type { PendingRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { keys, readRecord } from '../storage/records.js'

/**
 * The part of `completeRedirect()` that runs once the URL does carry an authorization response
 * (`code` or `error`, and `state`): finds the flow this app started for that `state`, and
 * exchanges the code on the handle that started it. With `pageUrl` (the call read the address
 * bar), the address bar shows the return URL at once. `undefined` for a response this app did
 * not ask for.
 */
export async function finishRedirect(
  auth: Pick<McpAuth, 'server'>,
  storage: TokenStorage,
  current: URL,
  pageUrl: boolean,
): Promise<Awaited<ReturnType<McpAuth['completeRedirect']>>> {
  const state = current.searchParams.get('state')!
  const pending = await readRecord<PendingRecord>(storage, keys.pending(state), 'pending', () => {})
  if (!pending) return undefined
  // The handle that started the flow: the PRM `resource` may name a broader URL.
  const server = auth.server(pending.server ?? pending.resource)
  // Defence in depth: a stored return URL off the app's origin falls back to its root.
  const returnTo =
    pending.returnTo === undefined
      ? undefined
      : (sameOriginUrl(pending.returnTo, current.origin) ?? `${current.origin}/`)
  if (typeof history !== 'undefined' && pageUrl) {
    history.replaceState(history.state, '', returnTo ?? `${current.origin}${current.pathname}`)
  }
  await server.completeCallback(current.href, state)
  return { server, ...(returnTo ? { returnTo } : {}) }
}
