import { beforeAll, describe, expect, test } from 'vitest'
import { measureKit, measureProbes, type Phases } from '../../scripts/bench/round-trips.mjs'

// Requests and round trips (critical-path depth) of the kit on the loopback bench server, in
// both layouts. Counts, never times: the server adds no delay here, and the depth follows the
// order of events only. `npm run bench` prints the same figures beside the official SDK's.

describe('round trips in the friendly layout (metadata where the specs look first)', () => {
  let phases: Phases
  beforeAll(async () => {
    phases = await measureKit({ layout: 'friendly' })
  })

  test('first authorization: 7 requests, 6 round trips, the AS candidates sent together', () => {
    expect(phases.first.log).toEqual([
      '1 POST /mcp',
      '2 GET /.well-known/oauth-protected-resource/mcp',
      '3 GET /.well-known/oauth-authorization-server',
      '3 GET /.well-known/openid-configuration',
      '4 POST /register',
      '5 GET /authorize',
      '6 POST /token',
    ])
    expect(phases.first).toMatchObject({ requests: 7, roundTrips: 6 })
  })

  test('re-authorization: no discovery, no registration: 2 requests, 2 round trips', () => {
    expect(phases.again.log).toEqual(['1 GET /authorize', '2 POST /token'])
    expect(phases.again).toMatchObject({ requests: 2, roundTrips: 2 })
  })

  test('step-up: no new registration: 2 requests, 2 round trips', () => {
    expect(phases.stepUp.log).toEqual(['1 GET /authorize', '2 POST /token'])
    expect(phases.stepUp).toMatchObject({ requests: 2, roundTrips: 2 })
  })
})

describe('round trips in the fallback layout (metadata only where clients look last)', () => {
  let phases: Phases
  beforeAll(async () => {
    phases = await measureKit({ layout: 'fallback' })
  })

  test('first authorization: both resource metadata URLs together, 6 round trips', () => {
    expect(phases.first.log).toEqual([
      '1 POST /mcp',
      '2 GET /.well-known/oauth-protected-resource/mcp',
      '2 GET /.well-known/oauth-protected-resource',
      '3 GET /.well-known/oauth-authorization-server',
      '3 GET /.well-known/openid-configuration',
      '4 POST /register',
      '5 GET /authorize',
      '6 POST /token',
    ])
    expect(phases.first).toMatchObject({ requests: 8, roundTrips: 6 })
  })

  test('re-authorization: 2 requests, 2 round trips', () => {
    expect(phases.again.log).toEqual(['1 GET /authorize', '2 POST /token'])
    expect(phases.again).toMatchObject({ requests: 2, roundTrips: 2 })
  })

  test('step-up: no new registration: 2 requests, 2 round trips', () => {
    expect(phases.stepUp.log).toEqual(['1 GET /authorize', '2 POST /token'])
    expect(phases.stepUp).toMatchObject({ requests: 2, roundTrips: 2 })
  })
})

describe('many servers on one issuer, one auth instance', () => {
  const asRequests = (log: string[]) =>
    log
      .map((line) => line.replace(/^\d+ /, ''))
      .filter((line) => /oauth-authorization-server|openid-configuration/.test(line))

  test.each([
    ['friendly', 'GET /.well-known/oauth-authorization-server'],
    ['fallback', 'GET /.well-known/openid-configuration'],
  ] as const)(
    '%s: once an issuer is known, only the metadata URL that answered is asked',
    async (layout, answered) => {
      const { first, next } = await measureProbes({ layout, servers: 5 })
      // The first probes discover the issuer: every candidate, in one or more shared discoveries.
      expect(asRequests(first.log)).toContain(answered)
      // The next ones ask the URL that answered, alone.
      const again = asRequests(next.log)
      expect(again.length).toBeGreaterThan(0)
      expect(new Set(again)).toEqual(new Set([answered]))
      expect(next.log.filter((line) => line.endsWith('POST /mcp/6'))).toHaveLength(1)
    },
  )
})
