import type { ProtectedResourceMetadata } from '../contracts/discovery.js'
import type { TokenRecord } from '../contracts/records.js'
import type { McpServerSnapshot, McpServerStatus, Patch } from '../contracts/snapshot.js'
import type { McpAuthError } from '../errors.js'

/** The state a snapshot is derived from. */
export interface SnapshotSources {
  readonly resource: string
  readonly storage: McpServerSnapshot['storage']
  readonly prm: ProtectedResourceMetadata | undefined
  readonly issuer: string | undefined
  readonly tokens: TokenRecord | undefined
  readonly stepUpScopes: readonly string[] | undefined
}

/**
 * The snapshot of a server nothing is known about yet: the one its handle starts with, and what
 * a UI shows where it has no handle to read (server rendering and hydration, no URL yet). With
 * `error` (say, the `insecure_url` that `auth.server()` threw for a URL), the `error` status.
 */
export function initialSnapshot(
  resource: string,
  options: { storage?: McpServerSnapshot['storage'] | undefined; error?: McpAuthError } = {},
): McpServerSnapshot {
  const { storage = 'memory', error } = options
  const snapshot: McpServerSnapshot = { resource, status: 'unknown', scopes: [], storage }
  return error ? { ...snapshot, status: 'error', error } : snapshot
}

/**
 * The next snapshot: the patch first, then what the tokens and discovery say, then what the
 * previous snapshot said. Never carries tokens or secrets.
 */
export function nextSnapshot(
  prev: McpServerSnapshot,
  status: McpServerStatus,
  patch: Patch,
  sources: SnapshotSources,
): McpServerSnapshot {
  const { tokens } = sources
  const next: McpServerSnapshot = {
    resource: sources.resource,
    status,
    storage: sources.storage,
    scopes: patch.scopes ?? tokens?.scopes ?? prev.scopes,
  }
  const assign = <K extends keyof McpServerSnapshot>(
    key: K,
    value: McpServerSnapshot[K] | undefined,
  ) => {
    if (value !== undefined) (next as { [P in K]: McpServerSnapshot[P] })[key] = value
  }
  assign(
    'resourceName',
    patch.resourceName ?? sources.prm?.resource_name ?? tokens?.resourceName ?? prev.resourceName,
  )
  assign('issuer', patch.issuer ?? sources.issuer ?? tokens?.issuer ?? prev.issuer)
  assign('registration', patch.registration ?? tokens?.registration ?? prev.registration)
  assign('expiresAt', tokens?.expiresAt)
  assign('tokenType', tokens && (tokens.tokenType ?? 'Bearer'))
  assign('dpopKey', tokens?.dpopKey)
  if (status === 'needs-step-up') assign('stepUpScopes', sources.stepUpScopes)
  // The last error stays until an operation clears it (a corrupt record found while probing
  // must survive the probe's own status changes).
  assign('error', 'error' in patch ? patch.error : prev.error)
  if (status === 'authorizing') assign('popup', patch.popup ?? prev.popup)
  // A disconnect's report stays until new tokens replace what it was about.
  if (status !== 'authorized') {
    assign('revocation', 'revocation' in patch ? patch.revocation : prev.revocation)
  }
  return next
}

/**
 * The status after another tab or instance stored or removed (`tokens` undefined) this
 * server's tokens; `undefined` when the snapshot stays. A refresh or step-up elsewhere keeps
 * `authorized` but changes the expiry or the scopes, so the snapshot is derived again.
 */
export function statusAfterOutsideChange(
  snapshot: Pick<McpServerSnapshot, 'status' | 'expiresAt' | 'scopes'>,
  tokens: Pick<TokenRecord, 'expiresAt' | 'scopes'> | undefined,
): McpServerStatus | undefined {
  const { status } = snapshot
  if (tokens && status === 'authorized') {
    const same =
      tokens.expiresAt === snapshot.expiresAt &&
      tokens.scopes.join(' ') === snapshot.scopes.join(' ')
    return same ? undefined : 'authorized'
  }
  if (tokens) return status === 'authorizing' ? undefined : 'authorized'
  return status === 'authorized' || status === 'refreshing' || status === 'needs-step-up'
    ? 'disconnected'
    : undefined
}
