// Compile-only checks of the public types; `npm run typecheck` enforces them.
import type { McpServerSnapshot } from '@mcp-oauth/core'
import { AuthorizeStep, type UseMcpAuthResult, useMcpAuth } from './index.js'

declare const result: UseMcpAuthResult
const status: McpServerSnapshot['status'] = result.status
const authorized: Promise<McpServerSnapshot> = result.authorize({ scope: 'read' })
const token: Promise<string> = result.getAccessToken()
const response: Promise<Response> = result.fetch('https://mcp.example.com/mcp')

// @ts-expect-error tokens are not part of the result
result.accessToken
// @ts-expect-error mode is popup or redirect
result.authorize({ mode: 'tab' })
// @ts-expect-error a client ID is required
result.submitClientId({})

export function Uses() {
  useMcpAuth('https://mcp.example.com/mcp', { probe: false })
  // @ts-expect-error serverUrl is required
  const missing = <AuthorizeStep />
  return (
    <>
      {missing}
      <AuthorizeStep serverUrl="https://mcp.example.com/mcp" onError={(error) => error.code} />
    </>
  )
}

void [status, authorized, token, response]
