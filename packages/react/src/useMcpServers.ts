import type { McpServerSnapshot } from '@mcp-oauth/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { type McpHookOptions, useMcpContext } from './context.js'

export interface McpServerEntry {
  /** The canonical server URL, as `useMcpAuth()` accepts it. */
  url: string
  snapshot: McpServerSnapshot
}

const none: McpServerEntry[] = []

/**
 * Every server the kit knows: those with stored tokens (restored once, as the query
 * `['mcp-auth', 'servers']`) and those created since, each with its live snapshot.
 */
export function useMcpServers(options: McpHookOptions = {}): McpServerEntry[] {
  const { auth, queryClient } = useMcpContext(options)
  // Restoring creates handles, which onServersChange reports to the subscription below.
  useQuery(
    {
      queryKey: ['mcp-auth', 'servers'],
      queryFn: () => auth.restore().then((handles) => handles.map((handle) => handle.url)),
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
    },
    queryClient,
  )
  const cache = useRef(none)

  const subscribe = useCallback(
    (onChange: () => void) => {
      const unsubscribes = new Map<string, () => void>()
      let active = true
      const attach = () => {
        for (const handle of auth.servers()) {
          if (!unsubscribes.has(handle.url))
            unsubscribes.set(handle.url, handle.subscribe(onChange))
        }
      }
      attach()
      // A handle may be created while another component renders (useMcpAuth): update after it.
      const stop = auth.onServersChange(() =>
        queueMicrotask(() => {
          if (!active) return
          attach()
          onChange()
        }),
      )
      return () => {
        active = false
        stop()
        for (const unsubscribe of unsubscribes.values()) unsubscribe()
      }
    },
    [auth],
  )

  const getSnapshot = useCallback(() => {
    const handles = auth.servers()
    const previous = cache.current
    const same =
      handles.length === previous.length &&
      handles.every((handle, i) => handle.getSnapshot() === previous[i]?.snapshot)
    if (!same) {
      cache.current = handles.map((handle) => ({ url: handle.url, snapshot: handle.getSnapshot() }))
    }
    return cache.current
  }, [auth])

  return useSyncExternalStore(subscribe, getSnapshot, () => none)
}
