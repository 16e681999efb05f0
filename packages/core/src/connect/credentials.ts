import type { PreRegisteredClient } from '../contracts/client.js'
import type { McpServerSnapshot } from '../contracts/snapshot.js'
import { ConfigurationError, superseded } from '../errors.js'
import { isPresentableToken } from '../tokens/token-syntax.js'
import type { AuthorizationHost } from './host.js'

/**
 * Keeps a client ID the user typed for the server's authorization server, when it offers no
 * registration (`needs-client-id`); a blank ID is refused. Other tabs hear of it.
 */
export async function submitClientId(
  host: AuthorizationHost,
  credentials: PreRegisteredClient,
): Promise<McpServerSnapshot> {
  // Stryker disable next-line BooleanLiteral: only called without a current discovery, so fresh is moot
  const discovery = host.discovery.current ?? (await host.discovery.discover(undefined, false))
  if (!discovery) {
    throw new ConfigurationError('invalid_configuration', 'This server does not use OAuth')
  }
  await (await host.identity()).submit(discovery, credentials)
  host.session.announceClient()
  return host.update('needs-authorization', { registration: 'manual', error: undefined })
}

/**
 * Stores a static bearer token (RFC 6750) for a token-only server (`needs-token`): a `b64token`
 * (RFC 6750 §2.1) once surrounding white space is trimmed. `started` is the token generation
 * when the app submitted it (see `TokenSession.commit`): a disconnect asked for after that wins.
 */
export async function submitToken(
  host: AuthorizationHost,
  token: string,
  started: Promise<number>,
): Promise<McpServerSnapshot> {
  if (typeof token !== 'string' || !isPresentableToken(token.trim())) {
    throw new ConfigurationError(
      'invalid_configuration',
      'A token must be a non-empty string that can be sent in an Authorization header (RFC 6750 §2.1)',
    )
  }
  if (!(await host.session.saveStatic(await started, token.trim()))) throw superseded()
  return host.update('authorized', { error: undefined })
}

/**
 * Another tab stored a client ID: a server still waiting for one (`needs-client-id`) becomes
 * `needs-authorization` when its discovered authorization server now has a client identity.
 */
export async function clientArrived(host: AuthorizationHost): Promise<void> {
  const discovery = host.discovery.current
  if (host.status() !== 'needs-client-id' || !discovery) return
  const client = await host
    .identity()
    .then((clients) => clients.resolve(discovery, false))
    .catch(() => undefined)
  if (client && host.status() === 'needs-client-id') {
    host.update('needs-authorization', { registration: client.kind, error: undefined })
  }
}
