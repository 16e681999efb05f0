import type { McpAuth } from '@mcp-oauth/core'
import { QueryClient, QueryClientContext } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useState } from 'react'

interface McpAuthContextValue {
  auth: McpAuth
  queryClient: QueryClient
}

const McpAuthContext = createContext<McpAuthContextValue | undefined>(undefined)

/**
 * Makes a core instance available to `useMcpAuth()` and the components below. It uses the
 * app's `QueryClient` when there is one (so probes show up in its devtools), else its own.
 */
export function McpAuthProvider({ auth, children }: { auth: McpAuth; children?: ReactNode }) {
  const appClient = useContext(QueryClientContext)
  const [ownClient] = useState(() => (appClient ? undefined : new QueryClient()))
  const queryClient = appClient ?? (ownClient as QueryClient)
  return <McpAuthContext.Provider value={{ auth, queryClient }}>{children}</McpAuthContext.Provider>
}

let fallbackClient: QueryClient | undefined

/** The core instance and QueryClient for a hook: explicit option, then provider, then the app's. */
export function useMcpContext(explicit?: McpAuth): McpAuthContextValue {
  const context = useContext(McpAuthContext)
  const appClient = useContext(QueryClientContext)
  const auth = explicit ?? context?.auth
  if (!auth) {
    throw new Error(
      'No McpAuth instance: wrap the tree in <McpAuthProvider auth={…}> or pass `auth`',
    )
  }
  if (!context && !appClient) fallbackClient ??= new QueryClient()
  const queryClient = context?.queryClient ?? appClient ?? (fallbackClient as QueryClient)
  return { auth, queryClient }
}
