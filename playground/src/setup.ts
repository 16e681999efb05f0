import { createMcpAuth, type McpAuth } from '@mcp-oauth/core'
import { Trace } from './timeline/trace.js'

/** What `npm start` launched, served by the playground at `/stack.json`. */
export interface StackInfo {
  servers: Record<
    'oauth' | 'stepUp' | 'open' | 'token' | 'hiddenChallenge' | 'noRegistration',
    string
  >
  issuer: string
  preRegisteredClient?: { issuer: string; clientId: string }
}

/** Every request of the kit, for the flow timeline. */
export const trace = new Trace()

/** One instance for the page; the callback page builds the same one. */
export const auth: McpAuth = createMcpAuth({
  redirectUri: `${location.origin}/oauth/callback`,
  client: {
    name: 'mcp-oauth playground',
    uri: location.origin,
    metadataUrl: `${location.origin}/oauth/client.json`,
  },
  fetch: trace.wrap(),
})

export async function loadStack(): Promise<StackInfo> {
  const response = await fetch('/stack.json')
  return (await response.json()) as StackInfo
}

/** Human names for the demo servers, used as presets. */
export const PRESETS: ReadonlyArray<{ key: keyof StackInfo['servers']; label: string }> = [
  { key: 'oauth', label: 'OAuth (dynamic registration)' },
  { key: 'stepUp', label: 'Step-up (extra scope)' },
  { key: 'hiddenChallenge', label: 'Hidden challenge' },
  { key: 'noRegistration', label: 'Typed client ID' },
  { key: 'token', label: 'Static token' },
  { key: 'open', label: 'Open (no auth)' },
]
