import type {
  AuthorizeOptions,
  McpServerHandle,
  McpServerSnapshot,
  PreRegisteredClient,
} from '@mcp-oauth/core'
import { resolveServer } from '@mcp-oauth/core/rules'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useMemo, useSyncExternalStore } from 'react'
import { useMcpContext } from './context.js'
import type { McpServerActions, UseMcpAuthOptions, UseMcpAuthResult } from './types.js'

const probeKey = (url: string | undefined) => ['mcp-auth', url, 'probe']

/**
 * The state of one MCP server and its actions. The core's handle is the observable, read
 * through `useSyncExternalStore`; probing is a query keyed `['mcp-auth', resource, 'probe']`
 * whose data follows the snapshot; authorize and disconnect are mutations. Errors are read from
 * the snapshot, never from a rejection. No token ever enters React state.
 *
 * @param serverUrl the MCP server URL; `undefined` or `''` renders `unknown` and does nothing.
 *   An invalid URL renders `error` with the core's `insecure_url` error.
 */
export function useMcpAuth(
  serverUrl: string | undefined,
  options: UseMcpAuthOptions = {},
): UseMcpAuthResult {
  const { auth, queryClient } = useMcpContext(options)
  // What to render until the handle is read (on a server, while hydrating), or without one.
  const { handle, initial, reason } = useMemo(
    () => resolveServer(auth, serverUrl),
    [auth, serverUrl],
  )

  // One subscription: it renders again, and keeps the probe's data on the live snapshot, so
  // the devtools tell the same story (never a `probing` left behind after an authorization).
  const subscribe = useMemo(() => {
    const key = probeKey(handle?.url)
    return (onChange: () => void) =>
      handle?.subscribe((snapshot) => {
        if (queryClient.getQueryData(key)) queryClient.setQueryData(key, snapshot)
        onChange()
      }) ?? (() => {})
  }, [handle, queryClient])
  const read = handle?.getSnapshot ?? (() => initial)
  const snapshot = useSyncExternalStore(subscribe, read, () => initial)

  // Keyed by URL: a probe that finishes after the URL changed lands in the old URL's entry.
  // Only a handle nobody has probed yet is probed; the data is the snapshot, error or not.
  useQuery(
    {
      queryKey: probeKey(handle?.url),
      queryFn: () => probeOnce(handle!),
      enabled: !!handle && options.probe !== false,
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    },
    queryClient,
  )
  const authorizing = useMutation(
    {
      mutationKey: ['mcp-auth', handle?.url, 'authorize'],
      mutationFn: (flow: Promise<McpServerSnapshot>) => flow,
    },
    queryClient,
  )
  const disconnecting = useMutation(
    {
      mutationKey: ['mcp-auth', handle?.url, 'disconnect'],
      mutationFn: (server: McpServerHandle) => server.disconnect(),
    },
    queryClient,
  )

  const { mutate: track } = authorizing
  const { mutateAsync: disconnect } = disconnecting
  const actions = useMemo((): McpServerActions => {
    // Each action runs on the handle, or rejects with why there is none.
    const on =
      <A extends unknown[], R>(run: (server: McpServerHandle, ...args: A) => Promise<R>) =>
      (...args: A) =>
        handle ? run(handle, ...args) : Promise.reject(reason)
    return {
      // Synchronous up to the popup: TanStack runs a mutationFn only after awaiting onMutate,
      // so the flow starts here and the mutation merely tracks it.
      authorize: on((server, options?: AuthorizeOptions) => {
        const flow = server.authorize(options)
        track(flow)
        return flow
      }),
      cancel: () => handle?.cancel(),
      disconnect: on(disconnect),
      retry: on((server) =>
        queryClient.fetchQuery({
          queryKey: probeKey(server.url),
          queryFn: () => server.retry(),
          staleTime: 0,
          retry: false,
        }),
      ),
      submitClientId: on((server, credentials: PreRegisteredClient) =>
        server.submitClientId(credentials),
      ),
      submitToken: on((server, token: string) => server.submitToken(token)),
      getAccessToken: on((server) => server.getAccessToken()),
      fetch: on((server, input: RequestInfo | URL, init?: RequestInit) =>
        server.fetch(input, init),
      ),
    }
  }, [handle, reason, queryClient, track, disconnect])

  return {
    ...snapshot,
    ...actions,
    isAuthorizing: authorizing.isPending,
    isDisconnecting: disconnecting.isPending,
  }
}

/** Probes a handle nobody has probed yet; otherwise its current snapshot is the answer. */
async function probeOnce(handle: McpServerHandle): Promise<McpServerSnapshot> {
  if (handle.getSnapshot().status !== 'unknown') return handle.getSnapshot()
  // Whether the probe rejects or resolves on a failure, the snapshot carries the error.
  return handle.probe().catch(() => handle.getSnapshot())
}
