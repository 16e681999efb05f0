import { randomBytes } from 'node:crypto'
import { errors } from './oidc-provider.mjs'

/**
 * Policies for dynamic registration (RFC 7591) that real servers apply, each refusing the way
 * they refuse (§3.2.2). One reads the request body and throws the refusal, or returns nothing.
 * @typedef {(metadata: Record<string, unknown>) => void} RegistrationPolicy
 */

/**
 * Registers only the apps whose `client_name` is on the list, as some servers admit only the
 * clients their owner approved; the rest get `403 Forbidden`.
 * @param {string[]} names
 * @returns {RegistrationPolicy}
 */
export function allowlistedClientNames(names) {
  return (metadata) => {
    if (names.includes(String(metadata.client_name))) return
    const refusal = new errors.AccessDenied(
      'This server registers only the apps its owner approved (by client_name)',
    )
    refusal.status = refusal.statusCode = 403
    throw refusal
  }
}

/**
 * Registers only redirect URIs on `http://localhost`, the loopback address command-line clients
 * listen on, as servers made for such clients do; any other gets `400 invalid_redirect_uri`.
 * The demo apps run at `http://127.0.0.1`, which stands here for a web app on its own host.
 * @returns {RegistrationPolicy}
 */
export function localhostRedirectsOnly() {
  return (metadata) => {
    const uris = Array.isArray(metadata.redirect_uris) ? metadata.redirect_uris : []
    const local = (uri) => URL.parse(String(uri))?.origin.startsWith('http://localhost:')
    if (uris.length > 0 && uris.every(local)) return
    throw new errors.InvalidClientMetadata('redirect_uris must be http://localhost URLs')
  }
}

/**
 * oidc-provider's `features.registration.idFactory`, which runs once the request is read and
 * before the client is made: the one place to refuse by what the request says.
 * @param {RegistrationPolicy} policy
 */
export function refusingIdFactory(policy) {
  return (ctx) => {
    policy(ctx.oidc.body ?? {})
    return randomBytes(16).toString('base64url')
  }
}
