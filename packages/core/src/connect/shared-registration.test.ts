import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test, vi } from 'vitest'
import type { ClientRecord } from '../contracts/records.js'
import { setupWorld } from '../test-support/harness.js'
import { sharedRegistration } from './shared-registration.js'

const mock = useMockServer()

/** Servers `/mcp/1` … `/mcp/n` under the world's resource (its metadata at the root covers them): one issuer, one redirect URI. */
const servers = (auth: ReturnType<typeof setupWorld>['auth'], base: string, n: number) =>
  Array.from({ length: n }, (_, i) => auth.server(`${base}/${i + 1}`))

describe('one dynamic registration per issuer', () => {
  test('servers of one issuer authorized at once share one registration', async () => {
    const w = createWorld({ prmAt: 'root' })
    const { auth, storage } = setupWorld(mock, w)
    const handles = servers(auth, w.options.resource, 5)
    const done = await Promise.all(handles.map((h) => h.authorize()))
    expect(done.map((s) => s.status)).toEqual(Array(5).fill('authorized'))
    expect(w.hits('/register', 'POST')).toHaveLength(1)
    const clientIds = w.navigations().map((url) => url.searchParams.get('client_id'))
    expect(new Set(clientIds)).toEqual(new Set(['client-1']))
    expect(await storage.keys('client:')).toHaveLength(1)
  })

  test('a server that needs a scope the registration in flight did not ask for registers its own', async () => {
    const w = createWorld({ prmAt: 'root' })
    const { auth } = setupWorld(mock, w)
    const [a, b, c] = servers(auth, w.options.resource, 3)
    await Promise.all([a!.authorize(), b!.authorize({ scope: 'special' }), c!.authorize()])
    const registered = w.hits('/register', 'POST').map((r) => JSON.parse(r.body).scope as string)
    expect(registered).toHaveLength(2)
    expect(registered.filter((scope) => scope.split(' ').includes('special'))).toHaveLength(1)
  })

  test('a failed registration fails every server that joined it, and the next one tries again', async () => {
    const w = createWorld({ prmAt: 'root', registration: 'server-error' })
    const { auth } = setupWorld(mock, w)
    const handles = servers(auth, w.options.resource, 3)
    const failed = await Promise.all(handles.map((h) => h.authorize().catch((e: unknown) => e)))
    expect(failed.map((e) => (e as { code?: string }).code)).toEqual(Array(3).fill('server_error'))
    expect(w.hits('/register', 'POST')).toHaveLength(1)
    w.options.registration = 'ok'
    expect((await handles[0]!.authorize()).status).toBe('authorized')
    expect(w.hits('/register', 'POST')).toHaveLength(2)
  })
})

describe('many servers on one issuer, one instance', () => {
  test('probed at once: one AS metadata request; probed again later: none; authorized at once: one registration', async () => {
    const w = createWorld()
    const { auth } = setupWorld(mock, w)
    const asMetadata = () =>
      w.requests.filter((r) => r.url.includes('/.well-known/oauth-auth')).length
    const candidates = () => w.requests.filter((r) => r.url.includes('/.well-known/openid')).length
    // The first metadata URL answers within its head start (which never ends here).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const first = servers(auth, w.options.resource, 20)
      const probed = await Promise.all(first.map((h) => h.probe()))
      expect(probed.map((s) => s.status)).toEqual(Array(20).fill('needs-authorization'))
      expect([asMetadata(), candidates()]).toEqual([1, 0])
      const next = servers(auth, `${w.options.resource}/more`, 20)
      await Promise.all(next.map((h) => h.probe()))
      expect([asMetadata(), candidates()]).toEqual([1, 0])
      const done = await Promise.all([...first, ...next].map((h) => h.authorize()))
      expect(done.map((s) => s.status)).toEqual(Array(40).fill('authorized'))
    } finally {
      vi.useRealTimers()
    }
    expect(w.hits('/register', 'POST')).toHaveLength(1)
    expect(asMetadata()).toBe(1)
  })
})

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
