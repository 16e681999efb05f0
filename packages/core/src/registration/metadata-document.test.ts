import { createWorld, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import { fails, setupWorld } from '../test-support/harness.js'
import { clientMetadataDocument } from './metadata-document.js'

const mock = useMockServer()
const METADATA_URL = 'https://chat.example/oauth/client.json'

describe('clientMetadataDocument (draft-ietf-oauth-client-id-metadata-document-02 §4)', () => {
  test('the document of a web app, from the options createMcpAuth() takes', () => {
    expect(
      clientMetadataDocument({
        redirectUri: 'https://chat.example/oauth/callback',
        client: {
          name: 'Chat',
          uri: 'https://chat.example',
          logoUri: 'https://chat.example/logo.png',
          metadataUrl: METADATA_URL,
        },
      }),
    ).toEqual({
      client_id: METADATA_URL,
      client_name: 'Chat',
      client_uri: 'https://chat.example',
      logo_uri: 'https://chat.example/logo.png',
      redirect_uris: ['https://chat.example/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'web',
    })
  })

  test('on a loopback host it is a native application, as in dynamic registration (SEP-837)', () => {
    expect(
      clientMetadataDocument({
        redirectUri: 'http://127.0.0.1:5173/oauth/callback',
        client: { metadataUrl: 'http://127.0.0.1:5173/oauth/client.json' },
      }),
    ).toEqual({
      client_id: 'http://127.0.0.1:5173/oauth/client.json',
      client_name: 'MCP client',
      redirect_uris: ['http://127.0.0.1:5173/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    })
  })

  test('client_id is the URL as written: the authorization server compares it character for character', () => {
    const url = 'https://Chat.example:443/oauth/client.json'
    expect(
      clientMetadataDocument({
        redirectUri: 'https://chat.example/cb',
        client: { metadataUrl: url },
      }).client_id,
    ).toBe(url)
  })

  test('without client.metadataUrl: invalid_configuration, naming the option', () => {
    expect(
      fails(() => clientMetadataDocument({ redirectUri: 'https://chat.example/cb', client: {} })),
    ).toMatchObject({
      code: 'invalid_configuration',
      details: { attribute: 'client.metadataUrl' },
    })
  })

  test.each([
    ['http://chat.example/oauth/client.json', 'insecure_url'],
    ['https://user:pw@chat.example/oauth/client.json', 'insecure_url'],
    ['oauth/client.json', 'insecure_url'],
    ['https://chat.example', 'invalid_configuration'],
    ['https://chat.example/', 'invalid_configuration'],
    ['https://chat.example/client.json#top', 'invalid_configuration'],
    ['https://chat.example/client.json#', 'invalid_configuration'],
    ['https://chat.example/a/../client.json', 'invalid_configuration'],
    ['https://chat.example/./client.json', 'invalid_configuration'],
    ['https://chat.example/a/%2E%2e/client.json', 'invalid_configuration'],
  ])('the metadata URL %s cannot be a client ID (§3): %s', (metadataUrl, code) => {
    expect(
      fails(() =>
        clientMetadataDocument({ redirectUri: 'https://chat.example/cb', client: { metadataUrl } }),
      ),
    ).toMatchObject({ code, details: { attribute: 'client.metadataUrl' } })
  })

  test.each([
    'https://chat.example/.well-known/client.json',
    'https://chat.example/a..b/client.json',
    'https://chat.example/client.json?v=2',
  ])('%s is a usable client ID URL', (metadataUrl) => {
    expect(
      clientMetadataDocument({ redirectUri: 'https://chat.example/cb', client: { metadataUrl } })
        .client_id,
    ).toBe(metadataUrl)
  })

  test('an insecure redirect URI is refused as createMcpAuth() refuses it', () => {
    expect(
      fails(() =>
        clientMetadataDocument({
          redirectUri: 'http://chat.example/cb',
          client: { metadataUrl: METADATA_URL },
        }),
      ),
    ).toMatchObject({ code: 'insecure_url', details: { attribute: 'redirectUri' } })
  })

  test('the document and the authorization request agree: same client_id, same redirect URI', async () => {
    // Written as an app might: upper-case host, no path normalisation by hand.
    const options = {
      redirectUri: 'https://CHAT.example/oauth/callback',
      client: { name: 'Chat', metadataUrl: METADATA_URL },
    }
    const w = createWorld({ as: { client_id_metadata_document_supported: true } })
    const { handle } = setupWorld(mock, w, { auth: options })
    await handle.authorize()
    const request = w.navigations()[0]!.searchParams
    const document = clientMetadataDocument(options)
    expect(request.get('client_id')).toBe(document.client_id)
    expect(document.redirect_uris).toEqual([request.get('redirect_uri')])
  })
})
