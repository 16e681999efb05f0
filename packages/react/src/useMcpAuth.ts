import {
  type AuthorizeOptions,
  ConfigurationError,
  McpAuthError,
  type McpServerHandle,
  type McpServerSnapshot,
  type PreRegisteredClient,
} from '@mcp-oauth/core'
import { type QueryClient, useMutation, useQuery } from '@tanstack/react-query'
import { useEffect, useMemo, useSyncExternalStore } from 'react'
import { type McpHookOptions, useMcpContext } from './context.js'

export interface UseMcpAuthOptions extends McpHookOptions {
  /** Probe the server on mount (a query, deduplicated and cached). Default true. */
  probe?: boolean
}

/** The actions `useMcpAuth()` returns next to the snapshot. */
export interface McpServerActions {
  /**
   * Starts the authorization. Call it in the click handler: the popup opens synchronously,
   * before this returns. Rejects with an `McpAuthError` (also reported in the snapshot).
   */
  authorize(options?: AuthorizeOptions): Promise<McpServerSnapshot>
  /** Stops an authorization in progress; the status becomes `cancelled`. */
  cancel(): void
  /** Revokes and forgets the tokens of this server. */
  disconnect(): Promise<McpServerSnapshot>
  /**
   * Clears the last error and probes again (through the probe query). A failure of the server
   * does not reject: it is in the snapshot it resolves with, as with `server.retry()`.
   */
  retry(): Promise<McpServerSnapshot>
  /** A client ID (and secret) for `needs-client-id`. */
  submitClientId(credentials: PreRegisteredClient): Promise<McpServerSnapshot>
  /** A static bearer token for `needs-token`. */
  submitToken(token: string): Promise<McpServerSnapshot>
  /** A fresh access token, for code that builds its own request; never kept in React state. */
  getAccessToken(): Promise<string>
  /** `fetch` bound to this server: the bearer goes to this resource only. */
  fetch: typeof fetch
}

export interface UseMcpAuthResult extends McpServerSnapshot, McpServerActions {
  /** Whether an `authorize()` started from this hook is in flight. */
  isAuthorizing: boolean
  /** Whether a `disconnect()` started from this hook is in flight (revocation included). */
  isDisconnecting: boolean
}

/** What the hook points at: a handle, or why there is none. */
interface Target {
  handle: McpServerHandle | undefined
  /** Rendered on the server and before hydration, and whenever there is no handle. */
  fallback: McpServerSnapshot
}

function snapshotOf(resource: string, error?: McpAuthError): McpServerSnapshot {
  return Object.freeze({
    resource,
    status: error ? 'error' : 'unknown',
    scopes: [],
    storage: 'memory',
    ...(error ? { error } : {}),
  })
}

const noSubscription = () => () => {}

/** Probes a handle nobody has probed yet; otherwise its current state is the answer. */
function probeOnce(handle: McpServerHandle): Promise<McpServerSnapshot> | McpServerSnapshot {
  const snapshot = handle.getSnapshot()
  return snapshot.status === 'unknown' ? handle.probe() : snapshot
}

function actionsFor(
  target: Target,
  queryClient: QueryClient,
  track: (flow: Promise<McpServerSnapshot>) => void,
  disconnect: (handle: McpServerHandle) => Promise<McpServerSnapshot>,
): McpServerActions {
  const { handle } = target
  if (!handle) {
    const refuse = () =>
      Promise.reject(
        target.fallback.error ??
          new ConfigurationError('invalid_configuration', 'No MCP server URL was given'),
      )
    return {
      authorize: refuse,
      cancel() {},
      disconnect: refuse,
      retry: refuse,
      submitClientId: refuse,
      submitToken: refuse,
      getAccessToken: refuse,
      fetch: refuse,
    }
  }
  return {
    authorize(options) {
      // Synchronous up to the popup: TanStack runs a mutationFn only after awaiting onMutate,
      // so the flow starts here and the mutation merely tracks it.
      const flow = handle.authorize(options)
      track(flow)
      return flow
    },
    cancel: () => handle.cancel(),
    disconnect: () => disconnect(handle),
    retry: () =>
      queryClient.fetchQuery({
        queryKey: ['mcp-auth', handle.url, 'probe'],
        queryFn: () => handle.retry(),
        staleTime: 0,
        retry: false,
      }),
    submitClientId: (credentials) => handle.submitClientId(credentials),
    submitToken: (token) => handle.submitToken(token),
    getAccessToken: () => handle.getAccessToken(),
    fetch: (input, init) => handle.fetch(input, init),
  }
}

/**
 * The state of one MCP server and its actions. The snapshot comes from the core handle through
 * `useSyncExternalStore`; probing is a query keyed `['mcp-auth', resource, 'probe']`;
 * authorize and disconnect are mutations. No token ever enters React state.
 *
 * @param serverUrl the MCP server URL; `undefined` or `''` renders `unknown` and does nothing.
 *   An invalid URL renders `error` with the core's `insecure_url` error.
 */
export function useMcpAuth(
  serverUrl: string | undefined,
  options: UseMcpAuthOptions = {},
): UseMcpAuthResult {
  const { auth, queryClient } = useMcpContext(options)
  const target = useMemo<Target>(() => {
    if (!serverUrl) return { handle: undefined, fallback: snapshotOf('') }
    try {
      const handle = auth.server(serverUrl)
      return {
        handle,
        fallback: { ...snapshotOf(handle.url), storage: handle.getSnapshot().storage },
      }
    } catch (error) {
      const reason =
        error instanceof McpAuthError
          ? error
          : new ConfigurationError('invalid_configuration', String(error), { cause: error })
      return { handle: undefined, fallback: snapshotOf(serverUrl, reason) }
    }
  }, [auth, serverUrl])
  const { handle } = target

  const snapshot = useSyncExternalStore(
    handle?.subscribe ?? noSubscription,
    handle?.getSnapshot ?? (() => target.fallback),
    () => target.fallback,
  )

  // Keyed by URL: a probe that finishes after the URL changed lands in the old URL's entry
  // (and the old handle), never in the new one.
  useQuery(
    {
      queryKey: ['mcp-auth', handle?.url, 'probe'],
      queryFn: () => (handle ? probeOnce(handle) : null),
      enabled: !!handle && options.probe !== false,
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    },
    queryClient,
  )

  // The probe entry follows the live snapshot once it has data, so the devtools tell the same
  // story as the hook (never a `probing` left behind after an authorization).
  useEffect(() => {
    if (!handle) return
    const key = ['mcp-auth', handle.url, 'probe']
    return handle.subscribe((current) => {
      if (queryClient.getQueryData(key) !== undefined) queryClient.setQueryData(key, current)
    })
  }, [handle, queryClient])

  const authorizeMutation = useMutation(
    {
      mutationKey: ['mcp-auth', handle?.url, 'authorize'],
      mutationFn: (flow: Promise<McpServerSnapshot>) => flow,
    },
    queryClient,
  )
  const disconnectMutation = useMutation(
    {
      mutationKey: ['mcp-auth', handle?.url, 'disconnect'],
      mutationFn: (server: McpServerHandle) => server.disconnect(),
    },
    queryClient,
  )
  const track = authorizeMutation.mutate
  const disconnect = disconnectMutation.mutateAsync
  const actions = useMemo(
    () => actionsFor(target, queryClient, (flow) => track(flow), disconnect),
    [target, queryClient, track, disconnect],
  )

  return {
    ...snapshot,
    ...actions,
    isAuthorizing: authorizeMutation.isPending,
    isDisconnecting: disconnectMutation.isPending,
  }
}
