/**
 * Which IP addresses the relay may connect to. Only public unicast addresses pass, and loopback
 * when the app allows it; every special-purpose range of the IANA registries (RFC 6890) is
 * refused, along with the addresses clouds serve instance metadata on. IPv6 forms that carry an
 * IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the address they carry. Text
 * that is not an address is refused: the rules fail closed.
 */
export type AddressKind = 'public' | 'loopback' | 'forbidden'

/** IPv4 ranges as [first address, prefix length]. */
const FORBIDDEN_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified (RFC 791)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared CGNAT (RFC 6598); Alibaba's metadata is 100.100.100.200
  ['169.254.0.0', 16], // link-local (RFC 3927): 169.254.169.254, 169.254.170.2 metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments; Oracle's metadata is 192.0.0.192
  ['192.0.2.0', 24], // documentation (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
  ['168.63.129.16', 32], // Azure's platform address, public but the host's own
]
const LOOPBACK_V4: readonly [string, number] = ['127.0.0.0', 8]

/** The 32-bit value of a dotted-decimal IPv4 address, or undefined. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined
    value = value * 256 + Number(part)
  }
  return value
}

/** The eight 16-bit groups of an IPv6 address (zone and embedded IPv4 allowed), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const address = text.split('%')[0]!
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  // Only the address's very last piece may be an embedded IPv4 address.
  const groups = (half: string, last: boolean): number[] | undefined => {
    if (half === '') return []
    const out: number[] = []
    const pieces = half.split(':')
    for (const [index, piece] of pieces.entries()) {
      if (last && index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece)
        if (v4 === undefined) return undefined
        out.push(Math.floor(v4 / 65536), v4 % 65536)
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        out.push(Number.parseInt(piece, 16))
      } else {
        return undefined
      }
    }
    return out
  }
  const head = groups(halves[0]!, halves.length === 1)
  if (halves.length === 1) return head?.length === 8 ? head : undefined
  const tail = groups(halves[1]!, true)
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : undefined
}

const inRange = (value: number, [first, prefix]: readonly [string, number]) => {
  const size = 2 ** (32 - prefix)
  return Math.floor(value / size) === Math.floor(parseIPv4(first)! / size)
}

function kindOfV4(value: number): AddressKind {
  if (inRange(value, LOOPBACK_V4)) return 'loopback'
  return FORBIDDEN_V4.some((range) => inRange(value, range)) ? 'forbidden' : 'public'
}

function kindOfV6(g: number[]): AddressKind {
  const v4 = (high: number, low: number) => high * 65536 + low
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0)
  if (zeros(0, 7) && g[7] === 1) return 'loopback' // ::1
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d: the IPv4 host itself.
  if (zeros(0, 5) && g[5] === 0xffff) return kindOfV4(v4(g[6]!, g[7]!))
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return kindOfV4(v4(g[6]!, g[7]!))
  // IPv4-compatible ::a.b.c.d (deprecated), NAT64 64:ff9b::/96 (RFC 6052), 6to4 2002::/16:
  // the IPv4 address they reach, never loopback.
  const carried =
    zeros(0, 6) || (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6))
      ? v4(g[6]!, g[7]!)
      : g[0] === 0x2002
        ? v4(g[1]!, g[2]!)
        : undefined
  if (carried !== undefined) return kindOfV4(carried) === 'public' ? 'public' : 'forbidden'
  // Only global unicast 2000::/3 is public (this leaves out ::/8, 100::/64, unique-local
  // fc00::/7 with AWS's fd00:ec2::254, link-local fe80::/10, multicast ff00::/8), minus its
  // special ranges: 2001::/23 (Teredo, benchmarking, ORCHID), 2001:db8::/32 and 3fff::/20
  // (documentation).
  const first = g[0]!
  if ((first & 0xe000) !== 0x2000) return 'forbidden'
  if (first === 0x2001 && (g[1]! < 0x200 || g[1] === 0xdb8)) return 'forbidden'
  if (first === 0x3fff && g[1]! < 0x1000) return 'forbidden'
  return 'public'
}

/** What an address (IPv4 dotted decimal, or IPv6 with or without brackets) is to the relay. */
export function addressKind(address: string): AddressKind {
  if (typeof address !== 'string') return 'forbidden'
  const v4 = parseIPv4(address)
  if (v4 !== undefined) return kindOfV4(v4)
  const v6 = parseIPv6(address.replace(/^\[(.*)\]$/, '$1'))
  return v6 ? kindOfV6(v6) : 'forbidden'
}

/** Whether the relay may connect to `address`. */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const kind = addressKind(address)
  return kind === 'public' || (kind === 'loopback' && allowLoopback)
}

/** The IP literal a URL host names (brackets removed), or undefined for a host name. */
export function ipLiteral(hostname: string): string | undefined {
  if (parseIPv4(hostname) !== undefined) return hostname
  // A URL writes an IPv6 host, and only that, in brackets.
  return hostname.startsWith('[') ? hostname.slice(1, -1) : undefined
}
