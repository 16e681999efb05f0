import { createWorld, useMockServer, type World } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { createMcpAuth } from '../auth.js'
import type { PreRegisteredClient } from '../contracts/client.js'
import type { TokenRecord } from '../contracts/records.js'
import type { TokenStorage } from '../contracts/storage.js'
import { REDIRECT, setupWorld } from '../test-support/harness.js'

const mock = useMockServer()
const ISSUER = 'https://auth.example.com'
const CLIENT_KEY = `client:${ISSUER} ${REDIRECT}`

/**
 * Tokens obtained by `client-1` (registered with `client_secret_post`), then rewritten as an
 * older version of the kit stored them: `patch` changes the token record.
 */
async function storedTokens(patch: (record: TokenRecord) => TokenRecord) {
  const w = createWorld({
    accessTokenTtl: 0,
    as: { token_endpoint_auth_methods_supported: ['client_secret_post'] },
  })
  const { handle, storage } = setupWorld(mock, w)
  await handle.authorize({ scope: 'read' })
  const key = `tokens:${w.options.resource}`
  await storage.set(key, patch((await storage.get(key)) as TokenRecord))
  return { w, storage }
}

/** The form a fresh page of the app sends to refresh the stored tokens. */
async function refreshForm(
  w: World,
  storage: TokenStorage,
  preRegistered: Record<string, PreRegisteredClient> = {},
) {
  const auth = createMcpAuth({ redirectUri: REDIRECT, storage, driver: w.driver(), preRegistered })
  await auth
    .server(w.options.resource)
    .getAccessToken()
    .catch(() => undefined)
  const [refresh] = w.grants('refresh_token')
  expect(w.grants('refresh_token')).toHaveLength(1)
  return {
    form: Object.fromEntries(new URLSearchParams(refresh!.body)),
    authorization: refresh!.headers.get('authorization'),
  }
}

const withoutClient = ({ client: _, ...record }: TokenRecord): TokenRecord => record

describe('tokens stored without the client that obtained them', () => {
  test('are refreshed with the stored registration of the same client ID', async () => {
    const { w, storage } = await storedTokens(withoutClient)
    const { form } = await refreshForm(w, storage)
    expect(form).toMatchObject({ client_id: 'client-1', client_secret: 'secret-1' })
  })

  test('a client whose ID is blank counts as none', async () => {
    const { w, storage } = await storedTokens((record) => ({
      ...record,
      client: { ...record.client!, clientId: ' ', clientSecret: 'wrong' },
    }))
    const { form } = await refreshForm(w, storage)
    expect(form).toMatchObject({ client_id: 'client-1', client_secret: 'secret-1' })
  })

  test('pre-registered credentials for the issuer come first', async () => {
    const { w, storage } = await storedTokens(withoutClient)
    const { form, authorization } = await refreshForm(w, storage, {
      [ISSUER]: { clientId: 'pre-id', clientSecret: 'pre-secret' },
    })
    expect(form).toMatchObject({ client_id: 'pre-id', client_secret: 'pre-secret' })
    expect(authorization).toBeNull()
  })

  test('blank pre-registered credentials are passed over', async () => {
    const { w, storage } = await storedTokens(withoutClient)
    const { form } = await refreshForm(w, storage, { [ISSUER]: { clientId: '  ' } })
    expect(form).toMatchObject({ client_id: 'client-1', client_secret: 'secret-1' })
  })

  test('a stored registration of another client ID is not used: a public client with the token’s ID', async () => {
    const { w, storage } = await storedTokens(withoutClient)
    await storage.set(CLIENT_KEY, {
      ...((await storage.get(CLIENT_KEY)) as object),
      clientId: 'client-other',
      clientSecret: 'other-secret',
    })
    const { form, authorization } = await refreshForm(w, storage)
    expect(form.client_id).toBe('client-1')
    expect(form).not.toHaveProperty('client_secret')
    expect(authorization).toBeNull()
  })

  test('without any stored registration, a public client with the token’s ID', async () => {
    const { w, storage } = await storedTokens(withoutClient)
    await storage.delete(CLIENT_KEY)
    const { form, authorization } = await refreshForm(w, storage)
    expect(form.client_id).toBe('client-1')
    expect(form).not.toHaveProperty('client_secret')
    expect(authorization).toBeNull()
  })
})
