import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test, vi } from 'vitest'
import { setupWorld } from '../test-support/harness.js'

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
