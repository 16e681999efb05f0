import type { IssuerHints } from '../discovery/authorization-server.js'
import type { FetchLike } from '../http/fetch-json.js'
import type { PendingRecord } from '../storage/records.js'
import type { TokenStorage } from '../storage/types.js'
import type {
  AuthorizationDriverRequest,
  AuthorizeOptions,
  McpAuthOptions,
  PreRegisteredClient,
} from '../types.js'
import type { DpopLoader } from './dpop-access.js'

/** One authorization's window (or none, for headless drivers). */
export interface DriverSession {
  /** Sends the user to `url`; resolves with the callback URL. */
  navigate(request: AuthorizationDriverRequest): Promise<string>
  /** Releases the window, if any. */
  close(): void
}

/** What every server handle of one `createMcpAuth()` instance shares. */
export interface AuthContext {
  readonly fetch: FetchLike
  readonly storage: TokenStorage
  readonly redirectUri: string
  readonly preRegistered: Readonly<Record<string, PreRegisteredClient>>
  readonly clientMetadata: McpAuthOptions['client']
  readonly protocolVersion: string
  readonly refreshSkewMs: number
  readonly maxStepUpAttempts: number
  readonly legacyEndpointFallback: boolean
  /** Sender-constrained tokens (RFC 9449), loaded on first use. */
  readonly dpop: DpopLoader
  /** Per issuer: the metadata URL that answered last, and the discovery in flight. */
  readonly issuerHints: IssuerHints
  /** Called synchronously at the start of `authorize()`, inside the user's click. */
  beginAuthorization(options: AuthorizeOptions): DriverSession
  /** Reads and deletes the pending record for `state`: a callback is used once. */
  takePending(state: string): Promise<PendingRecord | undefined>
  reportCorrupt(handle: { reportCorrupt(key: string): void }, key: string): void
}
