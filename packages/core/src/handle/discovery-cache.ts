import { loadConnect } from '../connect/load.js'
import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import type { AuthChallenge } from '../http/www-authenticate.js'

/**
 * Discovery results for one server, kept so that re-authorization costs no round trip, and
 * dropped when the server refuses a token it used to accept.
 */
export class DiscoveryCache {
  readonly #ctx: AuthContext
  readonly #url: string
  #current: Discovery | undefined
  /** Set when the server refused our token: the cached discovery must not be trusted. */
  #stale: AuthChallenge | undefined
  /** The `scope` of the latest 401 challenge (MCP authorization, "Scope Selection Strategy"). */
  challengeScope: string | undefined
  /**
   * The last discovery found no OAuth metadata at all: the server takes a static bearer token
   * (RFC 6750) and nothing else, until a challenge names `resource_metadata`.
   */
  tokenOnly = false
  /** The discovery under way: a probe and an authorization started together share it. */
  #pending: Promise<Discovery | undefined> | undefined

  constructor(ctx: AuthContext, url: string) {
    this.#ctx = ctx
    this.#url = url
  }

  get current(): Discovery | undefined {
    return this.#current
  }

  /**
   * Records a 401 from the server. A refused token may mean new metadata (a new authorization
   * server, SEP-2352), so the next discovery runs afresh.
   */
  refused(challenge: AuthChallenge | undefined): void {
    if (challenge?.params.scope) this.challengeScope = challenge.params.scope
    // Stryker disable next-line StringLiteral: discovery reads only the challenge's parameters
    this.#stale = challenge ?? { scheme: 'bearer', params: {} }
  }

  /**
   * Protected resource metadata, then AS metadata (MCP authorization, "Authorization Server
   * Discovery"). Without any PRM, the 2025-03-26 fallback to AS metadata at the server's origin
   * applies. Returns `undefined` for a server that publishes no OAuth metadata at all.
   * A discovery already under way answers too, unless the challenge names another metadata
   * URL than the one it found, or the server refused a token since it started. The AS metadata
   * kept for the issuer answers too, unless the server refused a token: then it is fetched anew.
   */
  async discover(
    challenge: AuthChallenge | undefined,
    fresh: boolean,
  ): Promise<Discovery | undefined> {
    const refused = this.#stale !== undefined
    const pending = refused ? undefined : this.#pending
    if (refused) {
      challenge ??= this.#stale
      fresh = true
      this.#stale = undefined
    }
    if (this.#current && !fresh) return this.#current
    const wanted = challenge?.params.resource_metadata
    const joined = await pending?.catch(() => undefined)
    if (joined && (!wanted || joined.prm?.url === wanted)) return joined
    const run = this.#discover(challenge, refused)
    const done = () => {
      if (this.#pending === run) this.#pending = undefined
    }
    this.#pending = run
    run.then(done, done)
    return run
  }

  async #discover(
    challenge: AuthChallenge | undefined,
    refused: boolean,
  ): Promise<Discovery | undefined> {
    const { runDiscovery } = await loadConnect()
    const previous = this.#current?.as.issuer
    const found = await runDiscovery(this.#ctx, this.#url, challenge, previous, refused)
    if (found) this.#current = found
    this.tokenOnly = !found
    return found
  }
}
