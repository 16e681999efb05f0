// Compile-only checks of the public types; `npm run typecheck` enforces them.
import type {
  McpAuth,
  McpAuthError,
  McpServerSnapshot,
  McpServerStatus,
  RegistrationKind,
} from '@mcp-oauth/core'
import type { McpErrorDetail } from '@mcp-oauth/web-components'
import type { QueryClient } from '@tanstack/react-query'
import { expectTypeOf } from 'vitest'
import {
  AuthorizeStep,
  type AuthorizeStepProps,
  McpAuthProvider,
  type McpServerEntry,
  ServerCard,
  type UseMcpAuthOptions,
  type UseMcpAuthResult,
  useMcpAuth,
  useMcpServers,
} from './index.js'

declare const auth: McpAuth
declare const client: QueryClient
declare const result: UseMcpAuthResult

// The snapshot fields, read-only, and the actions.
expectTypeOf(result.status).toEqualTypeOf<McpServerStatus>()
expectTypeOf(result.resource).toEqualTypeOf<string>()
expectTypeOf(result.issuer).toEqualTypeOf<string | undefined>()
expectTypeOf(result.registration).toEqualTypeOf<RegistrationKind | undefined>()
expectTypeOf(result.scopes).toEqualTypeOf<readonly string[]>()
expectTypeOf(result.expiresAt).toEqualTypeOf<number | undefined>()
expectTypeOf(result.error).toEqualTypeOf<McpAuthError | undefined>()
expectTypeOf(result.isAuthorizing).toEqualTypeOf<boolean>()
expectTypeOf(result.authorize).returns.toEqualTypeOf<Promise<McpServerSnapshot>>()
expectTypeOf(result.disconnect).returns.toEqualTypeOf<Promise<McpServerSnapshot>>()
expectTypeOf(result.cancel).returns.toEqualTypeOf<void>()
expectTypeOf(result.getAccessToken).returns.toEqualTypeOf<Promise<string>>()
expectTypeOf(result.fetch).toEqualTypeOf<typeof fetch>()
expectTypeOf(result).toMatchTypeOf<McpServerSnapshot>()
expectTypeOf(useMcpAuth).parameter(0).toEqualTypeOf<string | undefined>()
expectTypeOf<UseMcpAuthOptions>().toMatchTypeOf<{
  auth?: McpAuth
  queryClient?: QueryClient
  probe?: boolean
}>()
expectTypeOf(useMcpServers).returns.toEqualTypeOf<McpServerEntry[]>()
expectTypeOf<McpServerEntry['snapshot']>().toEqualTypeOf<McpServerSnapshot>()
expectTypeOf<AuthorizeStepProps['onError']>().toEqualTypeOf<
  ((error: McpErrorDetail) => void) | undefined
>()

// @ts-expect-error tokens are not part of the result
result.accessToken
// @ts-expect-error nor a refresh token
result.refreshToken
// @ts-expect-error the snapshot is read-only
result.status = 'authorized'
// @ts-expect-error mode is popup or redirect
result.authorize({ mode: 'tab' })
// @ts-expect-error a client ID is required
result.submitClientId({})
// @ts-expect-error a token is a string
result.submitToken(42)

export function Uses() {
  useMcpAuth('https://mcp.example.com/mcp', { probe: false, auth, queryClient: client })
  useMcpAuth(undefined)
  // @ts-expect-error unknown option
  useMcpAuth('https://mcp.example.com/mcp', { probes: false })
  useMcpServers({ auth })
  return (
    <McpAuthProvider auth={auth} queryClient={client}>
      {/* @ts-expect-error serverUrl is required */}
      <AuthorizeStep />
      {/* @ts-expect-error mode is popup or redirect */}
      <AuthorizeStep serverUrl="https://mcp.example.com/mcp" mode="tab" />
      {/* @ts-expect-error unknown string key */}
      <AuthorizeStep serverUrl="https://mcp.example.com/mcp" strings={{ authorise: 'x' }} />
      <AuthorizeStep
        serverUrl="https://mcp.example.com/mcp"
        scope="read admin"
        mode="redirect"
        strings={{ authorize: 'Autoriser', errors: { timeout: 'Trop long' } }}
        onError={(error) => expectTypeOf(error.code).toEqualTypeOf<string>()}
        onAuthorized={(snapshot) => expectTypeOf(snapshot).toEqualTypeOf<McpServerSnapshot>()}
        onAuthorizeRequest={(snapshot) => snapshot.status !== 'authorizing'}
      />
      <ServerCard
        serverUrl="https://mcp.example.com/mcp"
        serverName="Demo"
        auth={auth}
        className="card"
        onStatusChange={(snapshot) => snapshot.status}
      />
    </McpAuthProvider>
  )
}

export function MissingAuth() {
  // @ts-expect-error auth is required
  return <McpAuthProvider>{null}</McpAuthProvider>
}
