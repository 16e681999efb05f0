import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
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
