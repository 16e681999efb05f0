import { describe, expect, test } from 'vitest'
import type { ClientRecord } from '../contracts/records.js'
import { sharedRegistration } from './shared-registration.js'

describe('the registration in flight, between servers of one instance', () => {
  const KEY = 'https://as.example https://app.example/cb'
  type Ctx = Parameters<typeof sharedRegistration>[0]

  /** An instance and a registration whose every run is held until the test ends it. */
  function flights() {
    const ctx = {} as Ctx
    const runs: { scope: string | undefined; end: (ok: boolean) => void }[] = []
    const share = (scope?: string, key = KEY) =>
      sharedRegistration(ctx, key, scope, () => {
        const run = { scope, end: (_ok: boolean) => {} }
        runs.push(run)
        const client: ClientRecord = {
          v: 1,
          issuer: 'https://as.example',
          redirectUri: 'https://app.example/cb',
          clientId: `client-${runs.length}`,
          tokenEndpointAuthMethod: 'none',
          kind: 'dynamic',
          ...(scope ? { scope } : {}),
        }
        return new Promise<ClientRecord>((resolve, reject) => {
          run.end = (ok) => (ok ? resolve(client) : reject(new Error('refused')))
        })
      })
    return { ctx, runs, share }
  }

  test('a server that asks for some of the scopes in flight, or none, joins it', async () => {
    const { runs, share } = flights()
    const first = share('read write')
    const fewer = share('write')
    const none = share(undefined)
    expect(runs.map((r) => r.scope)).toEqual(['read write'])
    expect([fewer, none]).toEqual([first, first])
    runs[0]!.end(true)
    expect((await none).clientId).toBe('client-1')
  })

  test('scopes are whole words: one made of the letters of those in flight is not covered', () => {
    const { runs, share } = flights()
    share('read write')
    share('wire')
    expect(runs.map((r) => r.scope)).toEqual(['read write', 'wire'])
  })

  test('a registration with no scope covers only servers that ask for none', () => {
    const { runs, share } = flights()
    share(undefined)
    share(undefined)
    share('read')
    expect(runs.map((r) => r.scope)).toEqual([undefined, 'read'])
  })

  test('flights are per client key and per instance', () => {
    const { runs, share } = flights()
    share('read')
    share('read', 'https://other.example https://app.example/cb')
    const other = flights()
    other.share('read')
    expect(runs).toHaveLength(2)
    expect(other.runs).toHaveLength(1)
  })

  test('a flight replaced by a wider one stays in flight when the one it replaced ends', async () => {
    const { runs, share } = flights()
    const narrow = share('read')
    const wide = share('write')
    runs[0]!.end(true)
    await narrow
    expect(share('write')).toBe(wide)
    expect(runs).toHaveLength(2)
  })

  test('a flight is removed by its own end, success or failure, and the next server registers anew', async () => {
    const { runs, share } = flights()
    const failed = share('read')
    runs[0]!.end(false)
    await expect(failed).rejects.toThrow('refused')
    const next = share('read')
    expect(next).not.toBe(failed)
    runs[1]!.end(true)
    await next
    share('read')
    expect(runs).toHaveLength(3)
  })

  test('a registration that ends after the flight that replaced it ended leaves no error behind', async () => {
    const unhandled: unknown[] = []
    const record = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', record)
    try {
      const { runs, share } = flights()
      const narrow = share('read')
      const wide = share('write')
      runs[1]!.end(true)
      await wide
      runs[0]!.end(true)
      await narrow
      // Node reports a rejection nobody handled once the current turn of the event loop ends.
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
      share('write')
      expect(runs).toHaveLength(3)
    } finally {
      process.off('unhandledRejection', record)
    }
  })
})
