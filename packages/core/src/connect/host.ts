import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import type { TokenRecord } from '../contracts/records.js'
import type { McpServerSnapshot, McpServerStatus, Patch } from '../contracts/snapshot.js'
import type { AuthChallenge } from '../http/www-authenticate.js'
import type { ClientIdentity } from './client-identity.js'

/** The discovery results of the handle a flow runs for (the handle's `DiscoveryCache`). */
export interface DiscoverySource {
  readonly current: Discovery | undefined
  /** The `scope` of the latest 401 challenge (MCP authorization, "Scope Selection Strategy"). */
  readonly challengeScope: string | undefined
  discover(challenge: AuthChallenge | undefined, fresh: boolean): Promise<Discovery | undefined>
}

/** The token session of the handle a flow runs for (the handle's `TokenSession`). */
export interface SessionSource {
  readonly tokens: TokenRecord | undefined
  /** The current generation: a writer captures it when it starts (see `TokenSession.commit`). */
  generation(): Promise<number>
  /** Stores a static token unless the generation moved since `generation`; see `commit`. */
  saveStatic(generation: number, token: string): Promise<boolean>
  /** Tells the other tabs that a client ID was stored for this server's authorization server. */
  announceClient(): void
}

/** What a server handle lends the authorization it runs. */
export interface AuthorizationHost {
  readonly ctx: AuthContext
  readonly url: string
  readonly discovery: DiscoverySource
  readonly session: SessionSource
  identity(): Promise<ClientIdentity>
  status(): McpServerStatus
  update(status: McpServerStatus, patch?: Patch): McpServerSnapshot
}
