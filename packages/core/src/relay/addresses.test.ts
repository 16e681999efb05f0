import { describe, expect, test } from 'vitest'
import { addressKind, ipLiteral, isAllowedAddress, parseIPv4, parseIPv6 } from './addresses.js'

describe('addressKind: which addresses the relay may connect to', () => {
  test.each([
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['223.255.255.255', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['2001:200::1', 'public'],
    ['3fff:1000::1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2002:808:808::1', 'public'],
    ['::ffff:0:808:808', 'public'],
    ['2600:1::1', 'public'],
    ['2001:200::1', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind)
  })

  test.each([
    '127.0.0.1',
    '127.255.255.254',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:0:7f00:1',
  ])('%s is loopback', (address) => {
    expect(addressKind(address)).toBe('loopback')
  })

  test.each([
    // IPv4 special-purpose ranges
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', '"this network"'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['100.100.100.200', "Alibaba Cloud's metadata"],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'AWS, GCP, Azure metadata'],
    ['169.254.170.2', 'ECS task metadata'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.192', "Oracle Cloud's metadata"],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4 relay'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['168.63.129.16', "Azure's platform address"],
    // IPv6
    ['::', 'unspecified'],
    ['fd00:ec2::254', "AWS's IPv6 metadata (unique local)"],
    ['fc00::1', 'unique local'],
    ['fdff:ffff::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['2001:10::1', 'ORCHID'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata, in hex'],
    ['::ffff:0:a9fe:a9fe', 'IPv4-translated metadata'],
    ['::169.254.169.254', 'IPv4-compatible metadata'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['2002:a9fe:a9fe::1', '6to4 of the metadata address'],
    ['2002:c0a8:101::1', '6to4 of a private address'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['1::1', 'outside global unicast'],
    ['64:1::808:808', 'outside global unicast, not NAT64'],
    ['1:ff9b::808:808', 'outside global unicast, not NAT64'],
    ['64:ff9b:0:0:1::808', 'outside global unicast, not the NAT64 /96'],
    ['2a00[::1]', 'text around a bracketed address'],
    ['[2a00::1]5', 'text after a bracketed address'],
    ['4000::1', 'outside global unicast'],
    // not addresses at all
    ['', 'empty'],
    ['example.com', 'a name'],
    ['1.2.3', 'three parts'],
    ['1.2.3.4.5', 'five parts'],
    ['256.1.1.1', 'a part over 255'],
    ['01.2.3.4', 'a leading zero'],
    ['1.2.3.-4', 'a sign'],
    ['1:2:3:4:5:6:7', 'seven groups'],
    ['1:2:3:4:5:6:7:8:9', 'nine groups'],
    ['1::2::3', 'two elisions'],
    ['1:2:3:4::5:6:7:8', 'an elision of nothing'],
    ['12345::1', 'a group of five digits'],
    ['g::1', 'a group that is not hex'],
    ['::ffff:1.2.3', 'a broken embedded IPv4'],
  ])('%s is refused (%s)', (address) => {
    expect(addressKind(address)).toBe('forbidden')
  })

  test('a value that is not a string is refused, not thrown', () => {
    expect(addressKind(42 as unknown as string)).toBe('forbidden')
  })
})

describe('isAllowedAddress', () => {
  test('loopback only when allowed; public always; private never', () => {
    expect(isAllowedAddress('127.0.0.1', false)).toBe(false)
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true)
    expect(isAllowedAddress('::1', true)).toBe(true)
    expect(isAllowedAddress('8.8.8.8', false)).toBe(true)
    expect(isAllowedAddress('10.0.0.1', true)).toBe(false)
    expect(isAllowedAddress('169.254.169.254', true)).toBe(false)
  })
})

describe('parsing', () => {
  test('parseIPv4 gives the 32-bit value', () => {
    expect(parseIPv4('0.0.0.0')).toBe(0)
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304)
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff)
    expect(parseIPv4('1.2.3.256')).toBeUndefined()
  })

  test('parseIPv6 expands elisions and embedded IPv4', () => {
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    expect(parseIPv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0])
    expect(parseIPv6('::8')).toEqual([0, 0, 0, 0, 0, 0, 0, 8])
    expect(parseIPv6('1:2::7:8')).toEqual([1, 2, 0, 0, 0, 0, 7, 8])
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(parseIPv6('1:2:3:4:5:6::8')).toEqual([1, 2, 3, 4, 5, 6, 0, 8])
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])
    expect(parseIPv6('FE80::ABCD%en0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0xabcd])
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x0102, 0x0304])
    expect(parseIPv6('1:2:3:4:5:6:7:1.2.3.4')).toBeUndefined()
    expect(parseIPv6('1.2.3.4::')).toBeUndefined()
    expect(parseIPv6('::1.2.3.4:5')).toBeUndefined()
    expect(parseIPv6('1::2::3')).toBeUndefined()
    expect(parseIPv6('1:2:3:4::5:6:7:8')).toBeUndefined()
    expect(parseIPv6('1:2:3:4:5:6:7')).toBeUndefined()
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeUndefined()
    expect(parseIPv6(':')).toBeUndefined()
  })

  test('ipLiteral tells literals from names, as a URL writes them', () => {
    expect(ipLiteral(new URL('https://2130706433/').hostname)).toBe('127.0.0.1')
    expect(ipLiteral(new URL('https://0x7f.1/').hostname)).toBe('127.0.0.1')
    expect(ipLiteral(new URL('https://[::ffff:169.254.169.254]/').hostname)).toBe(
      '::ffff:a9fe:a9fe',
    )
    expect(ipLiteral('mcp.example.com')).toBeUndefined()
    expect(ipLiteral('1.2.3.4.example')).toBeUndefined()
  })
})
