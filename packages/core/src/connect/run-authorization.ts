import type { AuthorizeOptions } from '../contracts/authorize.js'
import type { DriverSession } from '../contracts/driver.js'
import type { ClientRecord } from '../contracts/records.js'
import { ConfigurationError, RegistrationError } from '../errors.js'
import { navigate, prepareAuthorization } from './authorization-flow.js'
import type { AuthorizationHost } from './host.js'
import { loadExchange } from './load-steps.js'

/**
 * One authorization up to its callback (OAuth 2.1 §4.1): discovery, a client identity, the
 * request and its pending record, then the window. On step-up, `stepUp` holds the scopes to ask
 * for (SEP-2350). `onClient` learns the client before the window opens, so that a refused scope
 * can drop its registration; `current` tells whether this flow is still the handle's newest.
 * Resolves with the callback URL and the flow's `state`.
 */
export async function runAuthorization(
  host: AuthorizationHost,
  options: AuthorizeOptions,
  window: DriverSession,
  signal: AbortSignal,
  stepUp: { scopes: string[] } | undefined,
  onClient: (client: ClientRecord) => void,
  current: () => boolean,
): Promise<{ callbackUrl: string; state: string }> {
  const generation = await host.session.generation()
  const discovery = await host.discovery.discover(undefined, false)
  if (!discovery) {
    throw new ConfigurationError(
      'invalid_configuration',
      'This server publishes no OAuth metadata; it needs a static token',
    )
  }
  const clients = await host.identity()
  const prepared = await prepareAuthorization({
    ctx: host.ctx,
    server: host.url,
    discovery,
    clients,
    options,
    challengeScope: host.discovery.challengeScope,
    generation,
    stepUp: stepUp && { scopes: stepUp.scopes, granted: host.session.tokens?.scopes ?? [] },
  })
  if (!prepared) {
    host.update('needs-client-id')
    throw (
      clients.problem ??
      new RegistrationError(
        'client_id_required',
        'This authorization server offers no registration: a client ID is needed',
      )
    )
  }
  const { client, request } = prepared
  onClient(client)
  host.update('authorizing', { registration: client.kind, error: undefined })
  // What finishing takes loads while the user is at the authorization server.
  loadExchange().catch(() => {})
  const callbackUrl = await navigate(host.ctx, window, request, signal, (popup) => {
    if (current() && host.status() === 'authorizing') host.update('authorizing', { popup })
  })
  return { callbackUrl, state: request.pending.state }
}
