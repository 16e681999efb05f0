import type {
  AuthorizeOptions,
  McpAuth,
  McpServerHandle,
  McpServerSnapshot,
  PreRegisteredClient,
} from '@mcp-oauth/core'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { useMcpContext } from './context.js'

export interface UseMcpAuthOptions {
  /** A core instance; defaults to the one from `<McpAuthProvider>`. */
  auth?: McpAuth
  /** Probe the server on mount (a query, deduplicated and cached). Default true. */
  probe?: boolean
}

export interface UseMcpAuthResult extends McpServerSnapshot {
  /** Starts the authorization; call it in the click handler (the popup opens synchronously). */
  authorize(options?: AuthorizeOptions): Promise<McpServerSnapshot>
  cancel(): void
  disconnect(): Promise<McpServerSnapshot>
  retry(): Promise<McpServerSnapshot>
  submitClientId(credentials: PreRegisteredClient): Promise<McpServerSnapshot>
  submitToken(token: string): Promise<McpServerSnapshot>
  /** A fresh access token, for code that must build its own request; never kept in state. */
  getAccessToken(): Promise<string>
  /** `fetch` bound to this server: the bearer goes to this resource only. */
  fetch: typeof fetch
  /** Whether an `authorize()` started from this hook is in flight. */
  isAuthorizing: boolean
}

const IDLE: McpServerSnapshot = Object.freeze({
  resource: '',
  status: 'unknown',
  scopes: [],
  storage: 'memory',
})
const noop = () => () => {}
const notReady = () => Promise.reject(new Error('No MCP server URL'))

/**
 * The state of one MCP server and its actions. The snapshot comes from the core handle through
 * `useSyncExternalStore`; probing is a query keyed `['mcp-auth', resource, 'probe']`;
 * authorize and disconnect are mutations. No tokens enter React state.
 */
export function useMcpAuth(
  serverUrl: string | undefined,
  options: UseMcpAuthOptions = {},
): UseMcpAuthResult {
  const { auth, queryClient } = useMcpContext(options.auth)
  const handle = useMemo<McpServerHandle | undefined>(() => {
    if (!serverUrl) return undefined
    try {
      return auth.server(serverUrl)
    } catch {
      return undefined
    }
  }, [auth, serverUrl])

  const snapshot = useSyncExternalStore(
    handle?.subscribe ?? noop,
    handle?.getSnapshot ?? (() => IDLE),
    () => IDLE,
  )

  useQuery(
    {
      queryKey: ['mcp-auth', handle?.url, 'probe'],
      // A handle that already knows its state (another hook probed it) is not probed again.
      queryFn: () =>
        handle!.getSnapshot().status === 'unknown' ? handle!.probe() : handle!.getSnapshot(),
      enabled: !!handle && options.probe !== false,
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
      refetchOnWindowFocus: false,
    },
    queryClient,
  )

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
      mutationFn: (h: McpServerHandle) => h.disconnect(),
    },
    queryClient,
  )
  const { mutate: track } = authorizeMutation
  const { mutateAsync: disconnect } = disconnectMutation

  const authorize = useCallback(
    (authorizeOptions?: AuthorizeOptions) => {
      if (!handle) return notReady()
      // Synchronous up to the popup: the mutation only tracks the flow already started.
      const flow = handle.authorize(authorizeOptions)
      track(flow, { onError: () => {} })
      return flow
    },
    [handle, track],
  )

  const fetchBound = useCallback<typeof fetch>(
    (input, init) => (handle ? handle.fetch(input, init) : notReady()),
    [handle],
  )

  return {
    ...snapshot,
    authorize,
    cancel: useCallback(() => handle?.cancel(), [handle]),
    disconnect: useCallback(() => (handle ? disconnect(handle) : notReady()), [handle, disconnect]),
    retry: useCallback(() => (handle ? handle.retry() : notReady()), [handle]),
    submitClientId: useCallback(
      (credentials: PreRegisteredClient) =>
        handle ? handle.submitClientId(credentials) : notReady(),
      [handle],
    ),
    submitToken: useCallback(
      (token: string) => (handle ? handle.submitToken(token) : notReady()),
      [handle],
    ),
    getAccessToken: useCallback(() => (handle ? handle.getAccessToken() : notReady()), [handle]),
    fetch: fetchBound,
    isAuthorizing: authorizeMutation.isPending,
  }
}
