import type { AuthContext } from '../contracts/context.js'
import type { ClientRecord } from '../contracts/records.js'

interface Registration {
  scopes: Set<string>
  client: Promise<ClientRecord>
}

/** The dynamic registration in flight, per instance and per client key (issuer, redirect URI). */
const inFlight = new WeakMap<AuthContext, Map<string, Registration>>()

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
  const flights = inFlight.get(ctx) ?? new Map<string, Registration>()
  inFlight.set(ctx, flights)
  const wanted = scope?.split(' ').filter(Boolean) ?? []
  const joined = flights.get(key)
  if (joined && wanted.every((s) => joined.scopes.has(s))) return joined.client
  const flight: Registration = { scopes: new Set(wanted), client: register() }
  flights.set(key, flight)
  const done = () => {
    if (flights.get(key) === flight) flights.delete(key)
  }
  flight.client.then(done, done)
  return flight.client
}
