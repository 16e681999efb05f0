import { addressKind, ipLiteral, isAllowedAddress } from './addresses.js'
import { loadNodeModule } from './node-module.js'
import { RelayRefusal } from './refusal.js'
import type { RelayResolver } from './types.js'

/**
 * The platform's resolver, as `fetch` itself would resolve (getaddrinfo, hosts file included):
 * `node:dns` `lookup` with every address. Loaded on first use, so that the relay imports in
 * runtimes without `node:` modules; there, the app passes `resolve`.
 */
export const platformResolver: RelayResolver = async (hostname) => {
  const dns = (await loadNodeModule('node:dns')) as NodeDns
  const found = await dns.promises.lookup(hostname, { all: true })
  return found.map((entry) => entry.address)
}

/** The part of `node:dns` the platform resolver uses. */
interface NodeDns {
  promises: {
    lookup(hostname: string, options: { all: true }): Promise<ReadonlyArray<{ address: string }>>
  }
}

/**
 * The addresses of the target's host, each one checked: an IP literal as it is, a name through
 * the resolver, on every request (a cached answer could be stale or rebound). One forbidden
 * address refuses the target, whichever one the connection would pick.
 */
export async function checkedAddresses(
  url: URL,
  resolve: RelayResolver,
  allowLoopback: boolean,
): Promise<readonly string[]> {
  const literal = ipLiteral(url.hostname)
  let addresses: readonly string[]
  if (literal !== undefined) {
    addresses = [literal]
  } else {
    try {
      addresses = await resolve(url.hostname)
    } catch (error) {
      if (error instanceof RelayRefusal) throw error
      addresses = []
    }
    if (addresses.length === 0) {
      throw new RelayRefusal('upstream_unreachable', `${url.host} could not be resolved.`)
    }
  }
  if (!addresses.every((address) => isAllowedAddress(address, allowLoopback))) {
    throw new RelayRefusal(
      'private_address',
      `${url.host} resolves to an address the relay may not reach (private, loopback, link-local or reserved).`,
    )
  }
  // Plain http is for the developer's own machine: a name that leads elsewhere does not get it.
  if (
    url.protocol === 'http:' &&
    !addresses.every((address) => addressKind(address) === 'loopback')
  ) {
    throw new RelayRefusal('insecure_target', `${url.host} is not a loopback host: use https:.`)
  }
  return addresses
}
