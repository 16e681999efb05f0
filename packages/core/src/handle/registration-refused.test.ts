import { createWorld, useMockServer, type WorldOptions } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { RECORD_VERSION } from '../contracts/records.js'
import { memoryStorage } from '../storage/memory.js'
import { keys } from '../storage/records.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const world = (options: Partial<WorldOptions> = {}) => createWorld(options)
const registrations = (w: ReturnType<typeof world>) => w.hits('/register')
const METADATA_URL = 'https://app.example/oauth/client.json'

describe('registration refused: the reason, then a client ID', () => {
  test.each([
    ['forbidden', 'forbidden'],
    ['invalid_redirect_uri', 'invalid_redirect_uri'],
  ] as const)(
    'a registration answered %s leaves needs-client-id with reason %s; nothing opens',
    async (registration, reason) => {
      const w = world({ registration })
      const { handle } = setupWorld(mock, w)
      expect((await handle.probe()).status).toBe('needs-authorization')
      await expect(handle.authorize()).rejects.toMatchObject({
        code: 'registration_refused',
        details: { reason },
      })
      expect(handle.getSnapshot()).toMatchObject({
        status: 'needs-client-id',
        error: { code: 'registration_refused', details: { reason } },
      })
      expect(w.navigations()).toHaveLength(0)
    },
  )

  test('the refusal is not asked again: a new probe and a new authorize() keep it, with no request', async () => {
    const w = world({ registration: 'forbidden' })
    const { handle } = setupWorld(mock, w)
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'registration_refused' })
    expect(registrations(w)).toHaveLength(1)

    expect(await handle.probe()).toMatchObject({
      status: 'needs-client-id',
      error: { code: 'registration_refused', details: { reason: 'forbidden' } },
    })
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'registration_refused' })
    expect(handle.getSnapshot().status).toBe('needs-client-id')
    expect(registrations(w)).toHaveLength(1)
    expect(w.navigations()).toHaveLength(0)
  })

  test('a typed client ID then authorizes, and no secret is asked for or sent', async () => {
    const w = world({ registration: 'forbidden' })
    const { handle } = setupWorld(mock, w)
    await handle.authorize().catch(() => {})
    expect(await handle.submitClientId({ clientId: 'given-by-the-owner' })).toMatchObject({
      status: 'needs-authorization',
      registration: 'manual',
    })
    expect(handle.getSnapshot().error).toBeUndefined()
    expect(await handle.authorize()).toMatchObject({ status: 'authorized', registration: 'manual' })
    expect(w.navigations()[0]!.searchParams.get('client_id')).toBe('given-by-the-owner')
    const token = w.hits('/token')[0]!
    expect(new URLSearchParams(token.body).get('client_id')).toBe('given-by-the-owner')
    expect(token.body).not.toContain('client_secret')
    expect(token.headers.get('authorization')).toBeNull()
    expect(registrations(w)).toHaveLength(1)
  })

  test('a refusal at one AS says nothing of another: after an AS change, it registers there', async () => {
    const w = world({ registration: 'forbidden' })
    const { handle } = setupWorld(mock, w)
    await handle.authorize().catch(() => {})
    const issuer2 = 'https://auth2.example.com'
    w.options.prm = { resource: w.options.resource, authorization_servers: [issuer2] }
    w.options.issuer = issuer2
    w.options.registration = 'ok'
    expect(await handle.probe()).toMatchObject({ status: 'needs-authorization', issuer: issuer2 })
    expect(await handle.authorize()).toMatchObject({
      status: 'authorized',
      registration: 'dynamic',
    })
  })

  test('other registration failures stay errors with Retry: a 503 is transient, not a refusal', async () => {
    const w = world({ registration: 'server-error' })
    const { handle } = setupWorld(mock, w)
    await expect(handle.authorize()).rejects.toMatchObject({ code: 'server_error' })
    expect(handle.getSnapshot().status).toBe('error')
  })
})

describe('client ID metadata documents come before dynamic registration (MCP 2025-11-25)', () => {
  const cimd = { client_id_metadata_document_supported: true }

  test('an AS that would refuse registration is never asked: the document URL is the client ID', async () => {
    const w = world({ registration: 'forbidden', as: cimd })
    const { handle } = setupWorld(mock, w, { auth: { client: { metadataUrl: METADATA_URL } } })
    expect(await handle.probe()).toMatchObject({
      status: 'needs-authorization',
      registration: 'metadata-document',
    })
    expect(await handle.authorize()).toMatchObject({ status: 'authorized' })
    expect(w.navigations()[0]!.searchParams.get('client_id')).toBe(METADATA_URL)
    expect(registrations(w)).toHaveLength(0)
  })

  test('a stored dynamic registration gives way to the document; a typed client ID does not', async () => {
    const w = world({ as: cimd })
    const storage = memoryStorage()
    const stored = (clientId: string, kind: 'dynamic' | 'manual') =>
      storage.set(keys.client(w.options.issuer, REDIRECT), {
        v: RECORD_VERSION,
        issuer: w.options.issuer,
        redirectUri: REDIRECT,
        clientId,
        tokenEndpointAuthMethod: 'none',
        kind,
      })
    await stored('dyn-old', 'dynamic')
    const first = setupWorld(mock, w, { storage, auth: { client: { metadataUrl: METADATA_URL } } })
    expect((await first.handle.probe()).registration).toBe('metadata-document')

    await stored('typed-by-user', 'manual')
    const second = setupWorld(mock, w, {
      storage: storage,
      auth: { client: { metadataUrl: METADATA_URL } },
    })
    expect((await second.handle.probe()).registration).toBe('manual')
  })

  test('a document on this machine is not offered to an AS elsewhere: it registers instead', async () => {
    const w = world({ as: cimd })
    const { handle } = setupWorld(mock, w, {
      auth: { client: { metadataUrl: 'http://127.0.0.1:5173/oauth/client.json' } },
    })
    expect(await handle.authorize()).toMatchObject({
      status: 'authorized',
      registration: 'dynamic',
    })
    expect(registrations(w)).toHaveLength(1)
  })
})

test('a 403 with a body the AS explains stays a refusal; the explanation is kept for developers', async () => {
  const w = world()
  const { handle } = setupWorld(mock, w)
  mock.use(
    http.post(`${w.options.issuer}/register`, () =>
      HttpResponse.json(
        { error: 'access_denied', error_description: 'client_name is not on the allowlist' },
        { status: 403 },
      ),
    ),
  )
  await handle.authorize().catch(() => {})
  expect(handle.getSnapshot().error).toMatchObject({
    code: 'registration_refused',
    details: {
      status: 403,
      reason: 'forbidden',
      error: 'access_denied',
      description: 'client_name is not on the allowlist',
    },
  })
})
