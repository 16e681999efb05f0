import type * as oauth from 'oauth4webapi'
import { describe, expect, test } from 'vitest'
import { fails } from '../test-support/harness.js'
import { clientMetadataDocument } from './metadata-document.js'
import { metadataDocumentClient } from './metadata-document-client.js'

// Which URLs can be a client ID (draft-ietf-oauth-client-id-metadata-document-02 §3), one rule
// for the document the app serves and for the client ID the kit sends.

const REDIRECT = 'https://chat.example/cb'
const document = (metadataUrl: string) =>
  clientMetadataDocument({ redirectUri: REDIRECT, client: { metadataUrl } })
const AS = {
  issuer: 'https://as.example',
  client_id_metadata_document_supported: true,
} as oauth.AuthorizationServer

/**
 * URLs the URL parser reads as another URL than the one written: the document's client_id
 * would not be where it is served, and none is a URI (RFC 3986 §2).
 */
const REWRITTEN = [
  // a backslash is a slash to the parser: this is /client.json
  'https://chat.example/a\\..\\client.json',
  // tab, line feed and carriage return are dropped: these are /client.json too
  'https://chat.example/a/.\t./client.json',
  'https://chat.example/a/.\n./client.json',
  'https://chat.example/a/.\r./client.json',
  // leading and trailing spaces are trimmed; one inside becomes %20
  ' https://chat.example/client.json',
  'https://chat.example/client.json ',
  'https://chat.example/my client.json',
  // non-ASCII is percent-encoded
  'https://chat.example/clïent.json',
]

describe('clientMetadataDocument: the client ID URL', () => {
  test.each(REWRITTEN)('%j is refused: the parser would rewrite it', (metadataUrl) => {
    expect(fails(() => document(metadataUrl))).toMatchObject({
      code: 'invalid_configuration',
      message: expect.stringContaining('URI characters'),
      details: { attribute: 'client.metadataUrl', actual: metadataUrl },
    })
  })

  test('without any client: invalid_configuration, saying the option is required', () => {
    expect(fails(() => clientMetadataDocument({ redirectUri: REDIRECT }))).toMatchObject({
      code: 'invalid_configuration',
      message: expect.stringContaining('client.metadataUrl is required'),
      details: { attribute: 'client.metadataUrl' },
    })
  })

  test('a URL refused for its path or fragment is named in the error, for the developer to find', () => {
    const metadataUrl = 'https://chat.example/a/../client.json'
    expect(fails(() => document(metadataUrl))).toMatchObject({
      code: 'invalid_configuration',
      message: expect.stringContaining(metadataUrl),
      details: { attribute: 'client.metadataUrl', actual: metadataUrl },
    })
  })

  test.each([
    // Only whole segments of dots are dot segments; a name may end in dots.
    'https://chat.example/v1./client.json',
    'https://chat.example/files../client.json',
    'https://chat.example/v%2E/client.json',
    // The rule is about the path: the authority is not a segment, even a host written as dots.
    'https://../client.json',
    'https://%2e%2e/client.json',
    // Every character a URI may hold.
    "https://chat.example/a-b_c~d/!$&'()*+,;=:@%41/client.json?x=[1]",
  ])('%s is a usable client ID URL', (metadataUrl) => {
    expect(document(metadataUrl).client_id).toBe(metadataUrl)
  })
})

describe('metadataDocumentClient: the client ID the kit sends', () => {
  test.each([
    ...REWRITTEN,
    'https://chat.example/a/../client.json',
    'https://chat.example/a/%2e/client.json',
    'https://chat.example/',
    'https://chat.example/client.json#top',
  ])('%j is never sent: the app could not serve a document for it', (metadataUrl) => {
    expect(metadataDocumentClient(AS, REDIRECT, metadataUrl)).toBeUndefined()
  })

  test('a URL that can be a client ID is sent as written', () => {
    const metadataUrl = 'https://chat.example/oauth/client.json?v=2'
    expect(metadataDocumentClient(AS, REDIRECT, metadataUrl)).toMatchObject({
      clientId: metadataUrl,
      kind: 'metadata-document',
    })
  })
})
