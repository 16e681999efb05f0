import { HttpResponse, http } from 'msw'
import type { World } from './world.js'

/** A decoded DPoP proof and whether its signature verifies with the key it embeds. */
export interface SeenProof {
  /** Where it was sent: `token`, `resource` or `revocation`. */
  at: 'token' | 'resource' | 'revocation'
  url: string
  method: string
  /** The `Authorization` header of the request. */
  authorization: string | null
  header: { typ?: string; alg?: string; jwk?: JsonWebKey }
  payload: Record<string, unknown>
  verified: boolean
  /** RFC 7638 thumbprint of the embedded key: the `cnf.jkt` a bound token would carry. */
  jkt: string
}

export interface DpopWorldOptions {
  /** Nonces the token endpoint asks for (RFC 9449 §8): once per nonce, or on every request. */
  asNonce: 'none' | 'once' | 'always'
  /** Nonces the resource asks for (RFC 9449 §9). */
  rsNonce: 'none' | 'once' | 'always'
  /** Whether a request with a proof gets a DPoP token; `false` plays a server that answers Bearer. */
  bind: boolean
}

const decoder = new TextDecoder()
const bytes = (part: string) =>
  Uint8Array.from(atob(part.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0))
const b64u = (data: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(data)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
export const sha256 = async (value: string) =>
  b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)))

/** Decodes a proof and checks its signature with its embedded key (RFC 9449 §4.3). */
export async function readProof(jwt: string) {
  const [h = '', p = '', s = ''] = jwt.split('.')
  const header = JSON.parse(decoder.decode(bytes(h))) as SeenProof['header']
  const payload = JSON.parse(decoder.decode(bytes(p))) as Record<string, unknown>
  const jwk = header.jwk ?? {}
  const key = await crypto.subtle.importKey(
    'jwk',
    jwk,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  )
  const verified = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    bytes(s),
    new TextEncoder().encode(`${h}.${p}`),
  )
  const jkt = await sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
  return { header, payload, verified, jkt }
}

/**
 * Turns a unit-test world into a DPoP one (RFC 9449): its authorization server lists ES256,
 * checks proofs at the token endpoint and binds tokens to their key; its resource checks the
 * proof of every DPoP request (signature, `htm`, `htu`, `ath`, a fresh `jti`, the key the token
 * was issued for); both may ask for nonces. Install the returned handlers after the world's.
 */
export function dpopWorld(world: World, overrides: Partial<DpopWorldOptions> = {}) {
  const options: DpopWorldOptions = { asNonce: 'none', rsNonce: 'none', bind: true, ...overrides }
  const proofs: SeenProof[] = []
  const jtis = new Set<string>()
  /** Thumbprints of the keys token requests were signed with. */
  const keys = new Set<string>()
  let nonces = 0
  const nonceFor = (place: string) => `${place}-nonce-${nonces}`
  const challenges = { as: 0, rs: 0 }
  world.options.as = { ...world.options.as, dpop_signing_alg_values_supported: ['ES256'] }
  world.options.tokenType = (request) =>
    options.bind && request.headers.has('dpop') ? 'DPoP' : 'Bearer'

  const record = async (at: SeenProof['at'], request: Request) => {
    const jwt = request.headers.get('dpop')
    if (!jwt) return undefined
    // Not a JWT at all (a route check's placeholder): a proof that verifies nothing.
    const read = await readProof(jwt).catch(() => ({
      header: {},
      payload: {},
      verified: false,
      jkt: '',
    }))
    const seen: SeenProof = {
      at,
      url: request.url,
      method: request.method,
      authorization: request.headers.get('authorization'),
      ...read,
    }
    proofs.push(seen)
    return seen
  }
  /** A proof this world accepts: signed, for this request, fresh, and never seen before. */
  const valid = (proof: SeenProof, request: Request) => {
    const { origin, pathname } = new URL(request.url)
    const fresh = !jtis.has(String(proof.payload.jti))
    jtis.add(String(proof.payload.jti))
    return (
      proof.verified &&
      proof.header.typ === 'dpop+jwt' &&
      proof.header.alg === 'ES256' &&
      proof.payload.htm === request.method &&
      proof.payload.htu === origin + pathname &&
      Math.abs(Number(proof.payload.iat) - Date.now() / 1000) < 60 &&
      fresh
    )
  }
  const wantsNonce = (mode: DpopWorldOptions['asNonce'], proof: SeenProof, place: string) => {
    if (mode === 'none') return false
    if (mode === 'always') nonces += 1
    return proof.payload.nonce !== nonceFor(place)
  }

  const handlers = [
    http.post(/\/token$/, async ({ request }) => {
      const proof = await record('token', request)
      if (!proof) return undefined
      if (!valid(proof, request)) {
        return HttpResponse.json({ error: 'invalid_dpop_proof' }, { status: 400 })
      }
      if (wantsNonce(options.asNonce, proof, 'as')) {
        challenges.as += 1
        return HttpResponse.json(
          { error: 'use_dpop_nonce' },
          { status: 400, headers: { 'DPoP-Nonce': nonceFor('as') } },
        )
      }
      keys.add(proof.jkt)
      return undefined
    }),
    http.post(world.options.resource, async ({ request }) => {
      const authorization = request.headers.get('authorization') ?? ''
      if (!authorization.startsWith('DPoP ')) return undefined
      const proof = await record('resource', request)
      const token = authorization.slice(5)
      const refuse = (error: string, headers: Record<string, string> = {}) =>
        HttpResponse.json(
          { error },
          {
            status: 401,
            headers: { 'WWW-Authenticate': `DPoP error="${error}", algs="ES256"`, ...headers },
          },
        )
      if (
        !proof ||
        !valid(proof, request) ||
        proof.payload.ath !== (await sha256(token)) ||
        !keys.has(proof.jkt)
      ) {
        return refuse('invalid_dpop_proof')
      }
      if (wantsNonce(options.rsNonce, proof, 'rs')) {
        challenges.rs += 1
        return refuse('use_dpop_nonce', { 'DPoP-Nonce': nonceFor('rs') })
      }
      return undefined
    }),
    http.post(/\/revoke$/, async ({ request }) => {
      await record('revocation', request)
      return undefined
    }),
  ]
  return { options, handlers, proofs, keys, challenges }
}
