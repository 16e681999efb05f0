/**
 * DPoP proof JWTs (RFC 9449 §4), signed with WebCrypto. Kept apart from oauth4webapi on
 * purpose: oauth4webapi is a single module, so its DPoP code would land in the core's eager
 * chunk; this file lets DPoP load on its own chunk, only for servers that use it.
 */

const encoder = new TextEncoder()

/** base64url without padding (RFC 7515 §2). */
export function base64url(input: ArrayBuffer | Uint8Array | string): string {
  const bytes =
    typeof input === 'string'
      ? encoder.encode(input)
      : input instanceof Uint8Array
        ? input
        : new Uint8Array(input)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** The public members of a P-256 key (RFC 7518 §6.2.1), nothing else: no `d`, no `ext`. */
export interface EcPublicJwk {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
}

export async function exportPublicJwk(publicKey: CryptoKey): Promise<EcPublicJwk> {
  const { x, y } = await crypto.subtle.exportKey('jwk', publicKey)
  if (!x || !y) throw new TypeError('The DPoP public key is not an EC key')
  return { kty: 'EC', crv: 'P-256', x, y }
}

/** JWK SHA-256 thumbprint (RFC 7638 §3): the required members, in lexicographic order. */
export async function jwkThumbprint(jwk: EcPublicJwk): Promise<string> {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
  return base64url(await crypto.subtle.digest('SHA-256', encoder.encode(canonical)))
}

/** `ath`: base64url of the SHA-256 of the access token's ASCII bytes (RFC 9449 §4.2). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return base64url(await crypto.subtle.digest('SHA-256', encoder.encode(accessToken)))
}

/** `htu`: the request URI without query and fragment (RFC 9449 §4.2). */
export function proofTarget(url: string | URL): string {
  const { origin, pathname } = new URL(url)
  return origin + pathname
}

export interface ProofRequest {
  method: string
  url: string | URL
  /** Present on resource requests: the proof then carries `ath`. */
  accessToken?: string
  /** The server's latest `DPoP-Nonce` (RFC 9449 §8, §9). */
  nonce?: string
  /** Epoch milliseconds; defaults to now. */
  now?: number
}

/**
 * A fresh proof: header `typ: dpop+jwt`, `alg: ES256` and the public `jwk`; claims `jti`
 * (128 random bits), `htm`, `htu`, `iat`, and `ath` and `nonce` when given (RFC 9449 §4.2).
 * WebCrypto's ECDSA signature is already the JWS `r || s` form (RFC 7518 §3.4).
 */
export async function createProof(
  privateKey: CryptoKey,
  jwk: EcPublicJwk,
  request: ProofRequest,
): Promise<string> {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk }
  const payload = {
    jti: base64url(crypto.getRandomValues(new Uint8Array(16))),
    htm: request.method.toUpperCase(),
    htu: proofTarget(request.url),
    iat: Math.floor((request.now ?? Date.now()) / 1000),
    ...(request.accessToken === undefined
      ? {}
      : { ath: await accessTokenHash(request.accessToken) }),
    ...(request.nonce ? { nonce: request.nonce } : {}),
  }
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    encoder.encode(input),
  )
  return `${input}.${base64url(signature)}`
}
