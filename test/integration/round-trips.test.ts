import { beforeAll, describe, expect, test } from 'vitest'
import { measureKit, measureProbes, type Phases } from '../../scripts/bench/round-trips.mjs'

// Requests and round trips (critical-path depth) of the kit on the loopback bench server, in
// both layouts. Counts, never times: the depth follows the order of events only. The server
// waits DELAY ms before each answer, standing in for the latency of a network, and longer than
// any head start of the first AS metadata URL (250 ms at most): its other candidates go out
// before any answer comes back, whatever the load of the machine (timers of one process fire in
// the order they end: the kit's head start, set when the request leaves, ends before the
// server's delay, set when it arrives). `npm run bench` prints the same figures beside the
// official SDK's, at 50 ms per answer.

const DELAY = 300

describe('round trips in the friendly layout (metadata where the specs look first)', () => {
  let phases: Phases
  beforeAll(async () => {
    phases = await measureKit({ layout: 'friendly', delay: DELAY })
  })

  test('first authorization: 7 requests, 6 round trips, the AS candidates sent before any answer', () => {
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
    phases = await measureKit({ layout: 'fallback', delay: DELAY })
  })

  test('first authorization: both resource metadata URLs together; the AS candidates after the head start, still 6 round trips', () => {
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
    '%s: servers probed at once share one discovery of their issuer, and its document is kept',
    async (layout, answered) => {
      const { first, next } = await measureProbes({ layout, delay: DELAY, servers: 5 })
      // The first probes discover the issuer once, together: each candidate asked once at most.
      const found = asRequests(first.log)
      expect(found).toContain(answered)
      expect(new Set(found).size).toBe(found.length)
      // The next ones use the document kept for the issuer: no AS metadata request at all.
      expect(asRequests(next.log)).toEqual([])
      expect(next.log.filter((line) => line.endsWith('POST /mcp/6'))).toHaveLength(1)
    },
  )
})
