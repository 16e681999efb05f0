import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose'

/** RFC 9449 §4.3 step 11 and the MCP DPoP extension: proofs are accepted for ±5 minutes. */
const IAT_WINDOW_SECONDS = 300
const ALGORITHMS = ['ES256']

/** A refusal, with the `WWW-Authenticate` error of RFC 9449 §7.1. */
export class DpopRefusal extends Error {
  /**
   * @param {'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | undefined} error
   * @param {string} description
   */
  constructor(error, description) {
    super(description)
    this.error = error
  }
}

/**
 * Server-provided nonces (RFC 9449 §9) without server state: an HMAC over the time it was
 * issued, valid for five minutes (the stateless scheme the MCP DPoP extension describes).
 */
export function dpopNonces() {
  const secret = randomBytes(32)
  const sign = (issuedAt) => createHmac('sha256', secret).update(issuedAt).digest('base64url')
  return {
    issue() {
      const issuedAt = String(Math.floor(Date.now() / 1000))
      return `${issuedAt}.${sign(issuedAt)}`
    },
    /** @param {unknown} nonce */
    isValid(nonce) {
      if (typeof nonce !== 'string') return false
      const [issuedAt = '', mac = ''] = nonce.split('.')
      const expected = Buffer.from(sign(issuedAt))
      const actual = Buffer.from(mac)
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return false
      return Math.floor(Date.now() / 1000) - Number(issuedAt) <= IAT_WINDOW_SECONDS
    },
  }
}

/** `jti` values seen inside the acceptance window: a proof is used once (RFC 9449 §11.1). */
export function jtiCache() {
  const seen = new Map()
  return {
    /** @param {string} jti @returns {boolean} true when the `jti` is new */
    remember(jti) {
      const now = Math.floor(Date.now() / 1000)
      for (const [key, expires] of seen) if (expires < now) seen.delete(key)
      if (seen.has(jti)) return false
      seen.set(jti, now + 2 * IAT_WINDOW_SECONDS)
      return true
    },
  }
}

const sha256 = (value) => createHash('sha256').update(value, 'ascii').digest('base64url')

/**
 * Checks a request to a DPoP-protected resource (RFC 9449 §4.3, §7.1): the `DPoP` scheme, one
 * well-formed proof signed by the public key it embeds, `htm` and `htu` of this request, `iat`
 * within the window, `ath` of the presented token, a nonce this server issued, a `jti` never
 * seen, and a JWT access token for this resource whose `cnf.jkt` is the proof key's thumbprint.
 * @param {object} input
 * @param {string | undefined} input.authorization  The `Authorization` header.
 * @param {string | string[] | undefined} input.proof  The `DPoP` header(s).
 * @param {string} input.method
 * @param {string} input.url  This request's URL, without query or fragment.
 * @param {{ issuer: string, audience: string, keys: Parameters<typeof jwtVerify>[1] }} input.token
 * @param {ReturnType<typeof dpopNonces>} input.nonces
 * @param {ReturnType<typeof jtiCache>} input.jtis
 * @returns {Promise<{ scopes: string[], jkt: string }>} or throws a {@link DpopRefusal}
 */
export async function verifyDpopRequest(input) {
  const match = /^(\S+) +(\S+)$/.exec(input.authorization ?? '')
  if (!match) throw new DpopRefusal(undefined, 'No access token')
  const [, scheme = '', accessToken = ''] = match
  // RFC 9449 §7.2: a bound token presented as a bearer token is refused.
  if (scheme.toLowerCase() !== 'dpop') {
    throw new DpopRefusal('invalid_token', 'This resource accepts DPoP-bound tokens only')
  }
  if (typeof input.proof !== 'string' || input.proof.includes(',')) {
    throw new DpopRefusal('invalid_dpop_proof', 'Exactly one DPoP proof is required')
  }

  let protectedHeader
  let claims
  try {
    ;({ protectedHeader, payload: claims } = await jwtVerify(input.proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ALGORITHMS,
    }))
  } catch {
    throw new DpopRefusal('invalid_dpop_proof', 'The DPoP proof does not verify')
  }
  if (typeof claims.jti !== 'string' || !claims.jti) {
    throw new DpopRefusal('invalid_dpop_proof', 'The proof has no jti')
  }
  if (claims.htm !== input.method) throw new DpopRefusal('invalid_dpop_proof', 'htm mismatch')
  const htu = typeof claims.htu === 'string' ? URL.parse(claims.htu) : null
  if (!htu || htu.search || htu.hash || htu.href !== new URL(input.url).href) {
    throw new DpopRefusal('invalid_dpop_proof', 'htu mismatch')
  }
  if (
    typeof claims.iat !== 'number' ||
    Math.abs(Math.floor(Date.now() / 1000) - claims.iat) > IAT_WINDOW_SECONDS
  ) {
    throw new DpopRefusal('invalid_dpop_proof', 'iat outside the acceptance window')
  }
  if (claims.ath !== sha256(accessToken)) {
    throw new DpopRefusal('invalid_dpop_proof', 'ath does not match the access token')
  }
  if (!input.nonces.isValid(claims.nonce)) {
    throw new DpopRefusal('use_dpop_nonce', 'A fresh nonce is required')
  }
  if (!input.jtis.remember(claims.jti)) {
    throw new DpopRefusal('invalid_dpop_proof', 'This proof was already used')
  }

  let token
  try {
    ;({ payload: token } = await jwtVerify(accessToken, input.token.keys, {
      issuer: input.token.issuer,
      audience: input.token.audience,
    }))
  } catch {
    throw new DpopRefusal('invalid_token', 'The access token is not valid for this resource')
  }
  const jkt = await calculateJwkThumbprint(protectedHeader.jwk, 'sha256')
  if (token.cnf?.jkt !== jkt) {
    throw new DpopRefusal('invalid_token', 'The access token is bound to another key')
  }
  return {
    jkt,
    scopes: String(token.scope ?? '')
      .split(' ')
      .filter(Boolean),
  }
}
