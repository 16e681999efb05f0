import type { McpAuth } from '@mcp-oauth/core'
import { QueryClient, QueryClientContext } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react'

interface McpAuthContextValue {
  auth: McpAuth
  queryClient: QueryClient
}

const McpAuthContext = createContext<McpAuthContextValue | undefined>(undefined)

export interface McpAuthProviderProps {
  /** The core instance from `createMcpAuth()`. */
  auth: McpAuth
  /** The QueryClient for probes and mutations; defaults to the app's, else one of its own. */
  queryClient?: QueryClient
  children?: ReactNode
}

/**
 * Makes a core instance available to `useMcpAuth()` and the components below. It uses the
 * app's `QueryClient` when there is one (so probes show up in its devtools), else its own.
 */
export function McpAuthProvider({ auth, queryClient, children }: McpAuthProviderProps) {
  const appClient = useContext(QueryClientContext)
  // Created lazily and kept, so an app client that comes and goes never loses our cache.
  const [own] = useState<{ client?: QueryClient }>({})
  const client = queryClient ?? appClient ?? lazyClient(own)
  const value = useMemo(() => ({ auth, queryClient: client }), [auth, client])
  return <McpAuthContext.Provider value={value}>{children}</McpAuthContext.Provider>
}

/** Hook options shared by every binding: explicit instances win over the provider's. */
export interface McpHookOptions {
  /** A core instance; defaults to the one from `<McpAuthProvider>`. */
  auth?: McpAuth
  /** A QueryClient; defaults to the provider's, then the app's `QueryClientProvider`. */
  queryClient?: QueryClient
}

/** Only hooks given `auth` outside any provider use this one; it is created on first use. */
const fallback: { client?: QueryClient } = {}

function lazyClient(holder: { client?: QueryClient }): QueryClient {
  if (!holder.client) holder.client = new QueryClient()
  return holder.client
}

/** The core instance, if any: explicit option, then provider. */
export function useOptionalMcpAuth(explicit?: McpAuth): McpAuth | undefined {
  const context = useContext(McpAuthContext)
  return explicit ?? context?.auth
}

/** The core instance and QueryClient for a hook: explicit options, then provider, then the app's. */
export function useMcpContext(options: McpHookOptions): McpAuthContextValue {
  const context = useContext(McpAuthContext)
  const appClient = useContext(QueryClientContext)
  const auth = options.auth ?? context?.auth
  if (!auth) {
    throw new Error(
      'No McpAuth instance: wrap the tree in <McpAuthProvider auth={…}> or pass `auth`',
    )
  }
  const queryClient =
    options.queryClient ?? context?.queryClient ?? appClient ?? lazyClient(fallback)
  return { auth, queryClient }
}
