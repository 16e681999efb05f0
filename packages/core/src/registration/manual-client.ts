import type * as oauth from 'oauth4webapi'
import type { PreRegisteredClient } from '../contracts/client.js'
import { type ClientRecord, RECORD_VERSION } from '../contracts/records.js'
import { RegistrationError } from '../errors.js'
import { chooseAuthMethod } from './client-auth.js'

/** A client ID is a non-empty string with no surrounding white space. */
export function normalizeClientId(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RegistrationError('invalid_client_id', 'A client ID must be a non-empty string')
  }
  return value.trim()
}

/**
 * Credentials given by the app or typed by the user, bound to one issuer. A client whose secret
 * is at the relay (`secretAtRelay`) sends its ID alone: the relay adds the authentication.
 */
export function manualClient(
  as: oauth.AuthorizationServer,
  redirectUri: string,
  client: PreRegisteredClient,
  kind: 'pre-registered' | 'manual',
): ClientRecord {
  const clientId = normalizeClientId(client.clientId)
  const secret = client.clientSecret?.trim() ? client.clientSecret : undefined
  return {
    v: RECORD_VERSION,
    issuer: as.issuer,
    redirectUri,
    clientId,
    ...(secret ? { clientSecret: secret } : {}),
    tokenEndpointAuthMethod: chooseAuthMethod(
      as,
      !!secret,
      client.secretAtRelay ? 'none' : client.tokenEndpointAuthMethod,
    ),
    kind,
  }
}
