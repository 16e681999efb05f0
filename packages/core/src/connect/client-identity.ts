import type { PreRegisteredClient } from '../contracts/client.js'
import type { AuthContext } from '../contracts/context.js'
import type { Discovery } from '../contracts/discovery.js'
import type { FetchLike } from '../contracts/fetch.js'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { McpAuthError, RegistrationError } from '../errors.js'
import { manualClient } from '../registration/manual-client.js'
import { metadataDocumentClient } from '../registration/metadata-document-client.js'
import { isBlank, readClient } from '../registration/stored-client.js'
import { keys } from '../storage/records.js'
import { readKnownClient, writeClient } from './known-clients.js'
import { loadRegistration } from './load-steps.js'
import { sharedRegistration } from './shared-registration.js'

/**
 * The client identity a server's flows use with its authorization server, in the order MCP
 * authorization recommends (2025-11-25, "Client Registration Approaches"). Part of the connect
 * chunk; the client of stored tokens comes from `clientForTokens()`.
 */
export class ClientIdentity {
  readonly #ctx: AuthContext
  readonly #onCorrupt: (key: string) => void
  readonly #onMisconfigured: (error: McpAuthError) => void
  #manual: ClientRecord | undefined
  /** Registrations an AS refused (RFC 7591 §3.2.2), by issuer: not asked again by this handle. */
  readonly #refused = new Map<string, McpAuthError>()
  /** The last blank client ID or registration refusal met while resolving, reported without stopping the flow. */
  problem: McpAuthError | undefined

  constructor(
    ctx: AuthContext,
    onCorrupt: (key: string) => void,
    onMisconfigured: (error: McpAuthError) => void,
  ) {
    this.#ctx = ctx
    this.#onCorrupt = onCorrupt
    this.#onMisconfigured = onMisconfigured
  }

  /** A blank ID from any source is no ID: reported, then the next way of getting one is tried. */
  #blank(source: string, issuer: string): void {
    this.problem = new RegistrationError(
      'invalid_client_id',
      `Ignored a blank client ID (${source}) for ${issuer}`,
      { details: { source, issuer } },
    )
    this.#onMisconfigured(this.problem)
  }

  #readStored(issuer: string): Promise<ClientRecord | undefined> {
    return readKnownClient(this.#ctx, issuer, this.#onCorrupt)
  }

  /**
   * Pre-registered credentials for this exact issuer, then one the user typed, then a client
   * ID metadata document, then an earlier dynamic registration (stored ones keyed by issuer,
   * never reused with another AS), then dynamic registration (only when `register`; otherwise
   * a placeholder of the kind it will be). A registration is sent with `fetchFn`; one the AS
   * refused is `undefined` with the refusal as `problem`: the user gives a client ID instead.
   */
  async resolve(
    discovery: Discovery,
    register: boolean,
    scope?: string,
    fetchFn: FetchLike = this.#ctx.fetch,
  ): Promise<ClientRecord | undefined> {
    const { as } = discovery
    const redirectUri = this.#ctx.redirectUri
    this.problem = undefined
    const pre = this.#ctx.preRegistered[as.issuer]
    if (pre && isBlank(pre.clientId)) this.#blank('preRegistered', as.issuer)
    else if (pre) return manualClient(as, redirectUri, pre, 'pre-registered')
    if (this.#manual?.issuer === as.issuer) return this.#manual
    let stored = await this.#readStored(as.issuer)
    if (stored && isBlank(stored.clientId)) {
      this.#blank('stored registration', as.issuer)
      stored = undefined
    }
    if (stored?.issuer !== as.issuer) stored = undefined
    if (stored?.kind === 'manual') return stored
    const cimd = metadataDocumentClient(as, redirectUri, this.#ctx.clientMetadata?.metadataUrl)
    if (cimd) return cimd
    // A registration is kept whatever the scope: it asked for every scope the resource and the
    // AS list, so step-up needs no new client. Only a refused scope drops it (`scopeRefused`).
    if (stored) return stored
    if (!as.registration_endpoint) return undefined
    const refused = this.#refused.get(as.issuer)
    if (refused) {
      // Reported like a blank ID: a probe shows it with `needs-client-id`, a flow throws it.
      this.problem = refused
      this.#onMisconfigured(refused)
      return undefined
    }
    if (!register) {
      // Registration happens when the user authorizes (its code loads meanwhile); report the
      // kind it will be.
      loadRegistration().catch(() => {})
      return {
        v: RECORD_VERSION,
        issuer: as.issuer,
        redirectUri,
        // Stryker disable next-line StringLiteral: a placeholder is only ever read for its kind
        clientId: '',
        // Stryker disable next-line StringLiteral: a placeholder is only ever read for its kind
        tokenEndpointAuthMethod: 'none',
        kind: 'dynamic',
      }
    }
    const key = keys.client(as.issuer, redirectUri)
    try {
      // Servers of this issuer authorized at once share one registration.
      return await sharedRegistration(this.#ctx, key, scope, async () => {
        const { registerDynamicClient } = await loadRegistration()
        const client = await registerDynamicClient(
          fetchFn,
          as,
          redirectUri,
          this.#ctx.clientMetadata,
          scope,
        )
        await writeClient(this.#ctx, key, client)
        return client
      })
    } catch (error) {
      const code = error instanceof McpAuthError && error.code
      if (code === 'registration_refused') {
        // No client: the flow stops at `needs-client-id` with the refusal, and asks no more.
        this.#refused.set(as.issuer, error as McpAuthError)
        this.problem = error as McpAuthError
        return undefined
      }
      if (code !== 'invalid_client_id') throw error
      this.#blank('registration response', as.issuer)
      return undefined
    }
  }

  /**
   * The AS refused a scope (`invalid_scope`, RFC 6749 §4.1.2.1, §5.2) for a dynamically
   * registered client: its registration may not cover it (RFC 7591 §2, `scope`), so the next
   * authorization registers again. Tokens keep the client that obtained them, so nothing breaks.
   */
  async scopeRefused(client: ClientRecord): Promise<void> {
    if (client.kind !== 'dynamic') return
    const key = keys.client(client.issuer, this.#ctx.redirectUri)
    // Compared with what is stored now: another tab may have replaced it.
    const stored = await readClient(this.#ctx, client.issuer, this.#onCorrupt)
    if (stored?.clientId === client.clientId) await writeClient(this.#ctx, key, undefined)
  }

  /** Keeps a client ID the user typed for `discovery`'s issuer. A blank ID is refused. */
  async submit(discovery: Discovery, credentials: PreRegisteredClient): Promise<ClientRecord> {
    const client = manualClient(discovery.as, this.#ctx.redirectUri, credentials, 'manual')
    this.#manual = client
    await writeClient(this.#ctx, keys.client(client.issuer, client.redirectUri), client)
    return client
  }
}
