import { describe, expect, test } from 'vitest'
import { throughRelay } from './through-relay.js'

// Which requests go through the relay without trying the server first: hosts the app listed,
// and origins the kit learned.
type Routes = NonNullable<Parameters<typeof throughRelay>[0]>

const RELAY = 'https://app.example/mcp-relay'
const routes = (relay: Routes['relay'], learned: string[] = []): Routes => ({
  relay,
  learned: new Set(learned),
})

describe('without a relay', () => {
  test('nothing goes through one', () => {
    expect(throughRelay(undefined, 'https://auth.example.com/token')).toBe(false)
  })
})

describe('a relay given by its URL alone', () => {
  test('only learned origins go through it', () => {
    const learned = routes(RELAY, ['https://auth.example.com'])
    expect(throughRelay(learned, 'https://auth.example.com/token')).toBe(true)
    expect(throughRelay(learned, new URL('https://auth.example.com/revoke?x=1'))).toBe(true)
    expect(throughRelay(learned, 'https://mcp.example.com/mcp')).toBe(false)
    // An origin is scheme, host and port: the same host on another port was not learned.
    expect(throughRelay(learned, 'https://auth.example.com:8443/token')).toBe(false)
    expect(throughRelay(routes(RELAY), 'https://auth.example.com/token')).toBe(false)
  })
})

describe("the relay's hosts", () => {
  test('a host name takes every port of that host', () => {
    const listed = routes({ url: RELAY, hosts: ['auth.example.com'] })
    expect(throughRelay(listed, 'https://auth.example.com/token')).toBe(true)
    expect(throughRelay(listed, 'https://auth.example.com:8443/token')).toBe(true)
    expect(throughRelay(listed, 'https://mcp.example.com/mcp')).toBe(false)
    // A host name is matched whole, never as a suffix.
    expect(throughRelay(listed, 'https://sub.auth.example.com/token')).toBe(false)
  })

  test('a host with its port takes that port only', () => {
    const listed = routes({ url: RELAY, hosts: ['127.0.0.1:8443'] })
    expect(throughRelay(listed, 'http://127.0.0.1:8443/mcp')).toBe(true)
    expect(throughRelay(listed, 'http://127.0.0.1:9000/mcp')).toBe(false)
    expect(throughRelay(listed, 'http://127.0.0.1/mcp')).toBe(false)
  })

  test('any listed host matches, and learned origins still count', () => {
    const listed = routes({ url: RELAY, hosts: ['a.example', 'mcp.example.com'] }, [
      'https://auth.example.com',
    ])
    expect(throughRelay(listed, 'https://mcp.example.com/mcp')).toBe(true)
    expect(throughRelay(listed, 'https://a.example/x')).toBe(true)
    expect(throughRelay(listed, 'https://auth.example.com/token')).toBe(true)
    expect(throughRelay(listed, 'https://b.example/x')).toBe(false)
  })

  test('no hosts listed: only learned origins', () => {
    const bare = routes({ url: RELAY }, ['https://auth.example.com'])
    expect(throughRelay(bare, 'https://auth.example.com/token')).toBe(true)
    expect(throughRelay(bare, 'https://mcp.example.com/mcp')).toBe(false)
    expect(throughRelay(routes({ url: RELAY, hosts: [] }), 'https://mcp.example.com/mcp')).toBe(
      false,
    )
  })
})
