import { RelayRefusal } from './refusal.js'
import { TARGET_PARAM } from './wire.js'

/** Loopback by name: `localhost` and its subdomains (RFC 6761 §6.3), 127.0.0.0/8, `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  )
}

/**
 * The target of a relay request: the one `url` parameter, an absolute `https:` URL (`http:`
 * only for a loopback host with `allowLoopback`), without credentials; its fragment dropped,
 * as a browser never sends one.
 */
export function parseTarget(requestUrl: string, allowLoopback: boolean): URL {
  const values = new URL(requestUrl).searchParams.getAll(TARGET_PARAM)
  if (values.length !== 1) {
    throw new RelayRefusal('invalid_target', `Give the target as exactly one ?${TARGET_PARAM}=.`)
  }
  const target = URL.parse(values[0]!)
  if (!target || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
    throw new RelayRefusal('invalid_target', 'The target is not an absolute http(s) URL.')
  }
  if (target.username || target.password) {
    throw new RelayRefusal('invalid_target', 'The target URL carries credentials.')
  }
  if (target.protocol === 'http:' && !(allowLoopback && isLoopbackHost(target.hostname))) {
    throw new RelayRefusal('insecure_target', `${target.host} is not reachable over http:.`)
  }
  target.hash = ''
  return target
}
