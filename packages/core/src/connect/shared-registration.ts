import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord } from '../contracts/records.js'

/** Per instance and client key (issuer, redirect URI): the registration in flight and its scopes. */
const inFlight = new WeakMap<AuthContext, Map<string, [string[], Promise<ClientRecord>]>>()

/**
 * One dynamic registration (RFC 7591) at a time per issuer and redirect URI: a server that
 * needs a client while another server of the same issuer registers one joins that
 * registration when the `scope` it asked for (RFC 7591 §2) covers the scopes this one needs;
 * otherwise `register` runs for it. Fifty servers authorized at once register one client.
 */
export function sharedRegistration(
  ctx: AuthContext,
  key: string,
  scope: string | undefined,
  register: () => Promise<ClientRecord>,
): Promise<ClientRecord> {
  const flights = inFlight.get(ctx) ?? new Map()
  inFlight.set(ctx, flights)
  const wanted = scope?.split(' ') ?? []
  // Stryker disable next-line ArrayDeclaration: with no flight there is nothing to join, so what it covers is never read
  const [covered = [], joined] = flights.get(key) ?? []
  if (joined && wanted.every((s) => covered.includes(s))) return joined
  const client = register()
  flights.set(key, [wanted, client])
  const done = () => flights.get(key)?.[1] === client && flights.delete(key)
  client.then(done, done)
  return client
}
