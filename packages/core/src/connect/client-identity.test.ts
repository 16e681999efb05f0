import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import type { AuthorizationDriver } from '../contracts/driver.js'
import { RegistrationError } from '../errors.js'
import { memoryStorage } from '../storage/memory.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const ISSUER = 'https://auth.example.com'
const CLIENT_KEY = `client:${ISSUER} ${REDIRECT}`

describe('a blank client ID is reported with where it came from', () => {
  test('pre-registered', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w, {
      auth: { preRegistered: { [ISSUER]: { clientId: ' ' } } },
    })
    const { error } = await handle.probe()
    expect(error).toBeInstanceOf(RegistrationError)
    expect(error).toMatchObject({
      code: 'invalid_client_id',
      message: `Ignored a blank client ID (preRegistered) for ${ISSUER}`,
      details: { source: 'preRegistered', issuer: ISSUER },
    })
  })

  test('a stored registration', async () => {
    const storage = memoryStorage()
    await storage.set(CLIENT_KEY, {
      v: 1,
      issuer: ISSUER,
      redirectUri: REDIRECT,
      clientId: '  ',
      tokenEndpointAuthMethod: 'none',
      kind: 'dynamic',
    })
    const { handle } = setupWorld(mock, createWorld(), { storage })
    const { error } = await handle.probe()
    expect(error).toMatchObject({
      message: `Ignored a blank client ID (stored registration) for ${ISSUER}`,
      details: { source: 'stored registration', issuer: ISSUER },
    })
  })

  test('a registration response', async () => {
    const { handle } = setupWorld(mock, createWorld())
    mock.use(
      http.post(`${ISSUER}/register`, () => HttpResponse.json({ client_id: '' }, { status: 201 })),
    )
    await expect(handle.authorize()).rejects.toMatchObject({
      code: 'invalid_client_id',
      message: `Ignored a blank client ID (registration response) for ${ISSUER}`,
      details: { source: 'registration response', issuer: ISSUER },
    })
  })
})

describe('a client ID typed by the user', () => {
  test('is kept for this page even when the stored copy disappears', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w)
    await handle.probe()
    await handle.submitClientId({ clientId: 'typed' })
    await storage.delete(CLIENT_KEY)
    expect(await handle.probe()).toMatchObject({
      status: 'needs-authorization',
      registration: 'manual',
    })
    await handle.authorize()
    expect(w.navigations()[0]?.searchParams.get('client_id')).toBe('typed')
  })
})

/** A driver whose AS refuses the scope, after `meanwhile` ran while the window was open. */
const refusingScope =
  (meanwhile: () => Promise<void> = async () => {}): AuthorizationDriver =>
  async ({ url, redirectUri }) => {
    await meanwhile()
    const callback = new URL(redirectUri)
    callback.searchParams.set('error', 'invalid_scope')
    callback.searchParams.set('state', new URL(url).searchParams.get('state')!)
    callback.searchParams.set('iss', ISSUER)
    return callback.href
  }

const refused = { details: { error: 'invalid_scope' } }

describe('a refused scope', () => {
  test('drops the dynamic registration that asked for it', async () => {
    const { handle, storage } = setupWorld(mock, createWorld(), {
      auth: { driver: refusingScope() },
    })
    await expect(handle.authorize()).rejects.toMatchObject(refused)
    expect(await storage.keys('client:')).toEqual([])
  })

  test('keeps a client ID typed by the user', async () => {
    const w = createWorld({ as: { registration_endpoint: undefined } })
    const { handle, storage } = setupWorld(mock, w, { auth: { driver: refusingScope() } })
    await handle.probe()
    await handle.submitClientId({ clientId: 'typed' })
    await expect(handle.authorize()).rejects.toMatchObject(refused)
    expect(await storage.get(CLIENT_KEY)).toMatchObject({ clientId: 'typed', kind: 'manual' })
  })

  test('keeps a registration that replaced it meanwhile', async () => {
    const storage = memoryStorage()
    const { handle } = setupWorld(mock, createWorld(), {
      storage,
      auth: {
        driver: refusingScope(async () => {
          await storage.set(CLIENT_KEY, {
            ...((await storage.get(CLIENT_KEY)) as object),
            clientId: 'newer',
          })
        }),
      },
    })
    await expect(handle.authorize()).rejects.toMatchObject(refused)
    expect(await storage.get(CLIENT_KEY)).toMatchObject({ clientId: 'newer' })
  })

  test('with the registration already gone, is still reported as such', async () => {
    const storage = memoryStorage()
    const { handle } = setupWorld(mock, createWorld(), {
      storage,
      auth: { driver: refusingScope(() => storage.delete(CLIENT_KEY)) },
    })
    await expect(handle.authorize()).rejects.toMatchObject(refused)
    expect(handle.getSnapshot().error).toMatchObject(refused)
  })
})
