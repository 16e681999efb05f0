import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { mcpCall, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

/** Takes a method off its object, the way `{ fetch: server.fetch }` or `onclick = f` does. */
const detach = <T extends object, K extends keyof T>(object: T, key: K): T[K] => {
  const { [key]: method } = object
  return method
}

describe('public methods work when passed around', () => {
  test('every method of the handle works detached, through a whole life cycle', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const probe = detach(handle, 'probe')
    const authorize = detach(handle, 'authorize')
    const fetchFn = detach(handle, 'fetch')
    const getAccessToken = detach(handle, 'getAccessToken')
    const disconnect = detach(handle, 'disconnect')
    const retry = detach(handle, 'retry')
    const cancel = detach(handle, 'cancel')
    const getSnapshot = detach(handle, 'getSnapshot')
    const subscribe = detach(handle, 'subscribe')
    const seen: string[] = []
    const unsubscribe = subscribe((snapshot) => seen.push(snapshot.status))

    expect((await probe()).status).toBe('needs-authorization')
    expect((await retry()).status).toBe('needs-authorization')
    expect((await authorize()).status).toBe('authorized')
    expect(await getAccessToken()).toMatch(/^at-/)
    const response = await mcpCall({ fetch: fetchFn, url: handle.url })
    expect(response.status).toBe(200)
    cancel()
    expect((await disconnect()).status).toBe('disconnected')
    expect(getSnapshot().status).toBe('disconnected')
    unsubscribe()
    expect(seen).toContain('authorized')
  })

  test('submitToken and submitClientId work detached', async () => {
    const tokenOnly = createWorld({
      resource: 'https://static.example.com/mcp',
      challenge: 'Bearer',
      prm: null,
      as: null,
    })
    const { auth, handle } = setupWorld(mock, tokenOnly)
    expect((await handle.probe()).status).toBe('needs-token')
    expect((await detach(handle, 'submitToken')('s3cret')).status).toBe('authorized')

    const noRegistration = createWorld({ as: { registration_endpoint: undefined } })
    mock.use(...noRegistration.handlers)
    const server = auth.server(noRegistration.options.resource)
    expect((await server.probe()).status).toBe('needs-client-id')
    const submitted = await detach(server, 'submitClientId')({ clientId: 'typed' })
    expect(submitted.status).toBe('needs-authorization')
  })

  test('every method of the auth instance works detached', async () => {
    const w = createWorld()
    const { auth } = setupWorld(mock, w)
    const server = detach(auth, 'server')
    const servers = detach(auth, 'servers')
    const restore = detach(auth, 'restore')
    const onServersChange = detach(auth, 'onServersChange')
    const completeRedirect = detach(auth, 'completeRedirect')
    let changes = 0
    const off = onServersChange(() => changes++)
    const handle = server('https://other.example.com/mcp')
    expect(servers()).toContain(handle)
    expect(changes).toBe(1)
    off()
    expect(await restore()).toContain(handle)
    expect(await completeRedirect('https://app.example/cb?nothing=here')).toBeUndefined()
  })
})
