import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { memoryStorage } from '../storage/memory.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const ISSUER = 'https://auth.example.com'

describe('a blank client ID is no client ID, wherever it comes from', () => {
  test('a stored client record with a blank ID is never sent: dynamic registration instead', async () => {
    const w = createWorld()
    const storage = memoryStorage()
    await storage.set(`client:${ISSUER} ${REDIRECT}`, {
      v: 1,
      issuer: ISSUER,
      redirectUri: REDIRECT,
      clientId: '  ',
      tokenEndpointAuthMethod: 'none',
      kind: 'dynamic',
    })
    const { handle } = setupWorld(mock, w, { storage })
    expect((await handle.probe()).error?.code).toBe('invalid_client_id')
    expect((await handle.authorize()).status).toBe('authorized')
    const sent = w.navigations().map((url) => url.searchParams.get('client_id'))
    expect(sent).toEqual(['client-1'])
    expect(w.hits('/register')).toHaveLength(1)
  })

  test.each(['', '   '])(
    'a pre-registered entry with ID %j is ignored and reported; registration takes over',
    async (clientId) => {
      const w = createWorld()
      const { handle } = setupWorld(mock, w, {
        auth: { preRegistered: { [ISSUER]: { clientId } } },
      })
      const probed = await handle.probe()
      expect(probed.status).toBe('needs-authorization')
      expect(probed.registration).toBe('dynamic')
      expect(probed.error?.code).toBe('invalid_client_id')
      expect((await handle.authorize()).status).toBe('authorized')
      expect(w.navigations()[0]?.searchParams.get('client_id')).toMatch(/^client-/)
    },
  )

  test('a blank pre-registered ID on an AS without registration asks the user for one', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle } = setupWorld(mock, w, {
      auth: { preRegistered: { [ISSUER]: { clientId: ' ' } } },
    })
    const probed = await handle.probe()
    expect(probed.status).toBe('needs-client-id')
    expect(probed.error?.code).toBe('invalid_client_id')
    await handle.submitClientId({ clientId: 'typed-id' })
    expect((await handle.authorize()).status).toBe('authorized')
    expect(w.navigations()[0]?.searchParams.get('client_id')).toBe('typed-id')
  })

  test('a registration endpoint answering a blank client_id leads to needs-client-id', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    mock.use(
      http.post(`${ISSUER}/register`, () =>
        HttpResponse.json({ client_id: '  ', redirect_uris: [REDIRECT] }, { status: 201 }),
      ),
    )
    await handle.probe()
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'invalid_client_id' })
    expect(handle.getSnapshot().status).toBe('needs-client-id')
    expect(handle.getSnapshot().error?.code).toBe('invalid_client_id')
    expect(w.navigations()).toHaveLength(0)
  })

  test('a typed blank ID is refused and nothing is stored', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w)
    await handle.probe()
    await expect(handle.submitClientId({ clientId: '  ' })).rejects.toMatchObject({
      code: 'invalid_client_id',
    })
    expect(await storage.keys('client:')).toEqual([])
  })
})
