import type { AuthorizeOptions } from './authorize.js'
import type { PreRegisteredClient } from './client.js'
import type { IssuerHints } from './discovery.js'
import type { DpopLoader } from './dpop.js'
import type { DriverSession } from './driver.js'
import type { FetchLike } from './fetch.js'
import type { McpAuthOptions } from './options.js'
import type { PendingRecord } from './records.js'
import type { Routes } from './routes.js'
import type { TokenStorage } from './storage.js'
import type { TabLink } from './tabs.js'

/**
 * The protocol steps the event hook sees, by their internal names: `@mcp-oauth/core/events`
 * turns each into typed, redacted events.
 */
export type TracedStep =
  | 'probe'
  | 'prm'
  | 'as'
  | 'client'
  | 'route'
  | 'window'
  | 'token'
  | 'refresh'
  | 'revoke'
  | 'fetch'

/**
 * The event hook. It runs `run` with a fetch for the step's requests and resolves or rejects
 * exactly as `run` does; `input` is what the step started from.
 */
export type EventHook = <T>(
  server: string,
  step: TracedStep,
  run: (fetch: FetchLike) => Promise<T>,
  input?: unknown,
) => Promise<T>

/** What every server handle of one `createMcpAuth()` instance shares. */
export interface AuthContext {
  /** Sends every request: straight to its server, or through the relay (`routes`). */
  readonly fetch: FetchLike
  /** The relay and the routes learned; only when the app configured a relay. */
  readonly routes: Routes | undefined
  /** Set by `subscribeEvents()` while someone listens; until then no step pays for events. */
  hook?: EventHook | undefined
  readonly storage: TokenStorage
  /** The instance's channel to the other tabs, opened on first use. */
  readonly tabs: TabLink
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
