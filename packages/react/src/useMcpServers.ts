import type { McpAuth, McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { useMcpContext } from './context.js'

export interface McpServerEntry {
  url: string
  snapshot: McpServerSnapshot
}

/**
 * Every server the kit knows: those with stored tokens (restored once, as a query) and those
 * created since, each with its live snapshot.
 */
export function useMcpServers(options: { auth?: McpAuth } = {}): McpServerEntry[] {
  const { auth, queryClient } = useMcpContext(options.auth)
  // Restoring creates handles, which onServersChange reports to the subscription below.
  useQuery(
    {
      queryKey: ['mcp-auth', 'servers'],
      queryFn: () => auth.restore().then((handles) => handles.map((h) => h.url)),
      staleTime: Number.POSITIVE_INFINITY,
    },
    queryClient,
  )
  const cache = useRef<McpServerEntry[]>([])

  const subscribe = useCallback(
    (onChange: () => void) => {
      const unsubscribes = new Map<McpServerHandle, () => void>()
      const attach = () => {
        for (const handle of auth.servers()) {
          if (!unsubscribes.has(handle)) unsubscribes.set(handle, handle.subscribe(onChange))
        }
      }
      attach()
      const stop = auth.onServersChange(() => {
        attach()
        onChange()
      })
      return () => {
        stop()
        for (const unsubscribe of unsubscribes.values()) unsubscribe()
      }
    },
    [auth],
  )

  const getSnapshot = useCallback(() => {
    const next = auth
      .servers()
      .map((handle) => ({ url: handle.url, snapshot: handle.getSnapshot() }))
    const previous = cache.current
    const same =
      next.length === previous.length &&
      next.every((entry, i) => entry.snapshot === previous[i]?.snapshot)
    if (!same) cache.current = next
    return cache.current
  }, [auth])

  return useSyncExternalStore(subscribe, getSnapshot, () => cache.current)
}
