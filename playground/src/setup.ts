import { createMcpAuth, type McpAuth } from '@mcp-oauth/core'
import { authOptions } from './auth-options.js'

/** What `npm start` launched, served by the playground at `/stack.json`. */
export interface StackInfo {
  servers: Record<
    | 'oauth'
    | 'stepUp'
    | 'open'
    | 'token'
    | 'hiddenChallenge'
    | 'noRegistration'
    | 'registrationRefused'
    | 'loopbackOnly'
    | 'metadataDocument'
    | 'dpop'
    | 'tokenWithoutCors'
    | 'confidential'
    | 'standardHeaders'
    | 'dpopHeaderRefused',
    string
  >
  issuer: string
  preRegisteredClient?: { issuer: string; clientId: string }
  /** The confidential client's ID: its secret stays in the relay. */
  confidentialClient?: { issuer: string; clientId: string }
  /** Where the relay is, on this origin. */
  relay?: string
  /** The `token` server's bearer token: a throwaway made by the demo stack on each start. */
  staticToken?: string
}

/** One instance for the page; the callback page builds the same one. */
export const auth: McpAuth = createMcpAuth(authOptions(location.origin))

export async function loadStack(): Promise<StackInfo> {
  const response = await fetch('/stack.json')
  return (await response.json()) as StackInfo
}

/** Human names for the demo servers, used as presets. */
export const PRESETS: ReadonlyArray<{ key: keyof StackInfo['servers']; label: string }> = [
  { key: 'oauth', label: 'OAuth (dynamic registration)' },
  { key: 'dpop', label: 'DPoP (sender-constrained tokens)' },
  { key: 'dpopHeaderRefused', label: 'DPoP refused by CORS (bearer tokens)' },
  { key: 'stepUp', label: 'Step-up (extra scope)' },
  { key: 'hiddenChallenge', label: 'Hidden challenge' },
  { key: 'noRegistration', label: 'Typed client ID' },
  { key: 'registrationRefused', label: 'Registration refused (approved apps only)' },
  { key: 'loopbackOnly', label: 'Registration refused (localhost redirects only)' },
  { key: 'metadataDocument', label: 'Client ID metadata document' },
  { key: 'token', label: 'Static token' },
  { key: 'open', label: 'Open (no auth)' },
  // Servers a browser cannot reach alone: through the relay at /mcp-relay.
  { key: 'tokenWithoutCors', label: 'Token endpoint without CORS (relay)' },
  { key: 'confidential', label: 'Confidential client, no CORS (relay)' },
  { key: 'standardHeaders', label: 'Strict MCP headers (relay)' },
]

/** What a preset needs the user to type, shown beside it: the demo token, the demo client ID. */
export function presetCredential(
  stack: StackInfo,
  url: string,
): { label: string; value: string } | undefined {
  if (url === stack.servers.token && stack.staticToken)
    return { label: 'Demo token', value: stack.staticToken }
  const typed = [
    stack.servers.noRegistration,
    stack.servers.registrationRefused,
    stack.servers.loopbackOnly,
  ]
  if (typed.includes(url) && stack.preRegisteredClient)
    return { label: 'Demo client ID', value: stack.preRegisteredClient.clientId }
  if (url === stack.servers.confidential && stack.confidentialClient)
    return { label: 'Demo client ID', value: stack.confidentialClient.clientId }
  return undefined
}

/** The add-server hint for an address that cannot be used, in words, by error code. */
export function unusableHint(code: string | undefined): string {
  switch (code) {
    case 'insecure_url':
    case 'invalid_configuration':
      return 'Enter a full address that starts with https:// (http:// only for localhost).'
    case 'network_error':
      return 'Nothing answered at this address. Is the server running?'
    case 'server_error':
      return 'The server answered with an error. Try again in a moment.'
    case 'resource_metadata_not_found':
    case 'authorization_server_not_found':
      return 'The server asks for sign-in but does not say where.'
    default:
      return 'This address does not look like an MCP server this app can use.'
  }
}
