import { describe, expect, test } from 'vitest'
import { accessTokenHash, base64url, exportPublicJwk, jwkThumbprint, proofTarget } from './proof.js'

describe('proof building blocks, against RFC 9449 examples', () => {
  test('jwkThumbprint: the §4.1 example key has the §6.1 example jkt (RFC 7638)', async () => {
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs',
      y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA',
    } as const
    expect(await jwkThumbprint(jwk)).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I')
  })

  test('accessTokenHash: the §7.1 example token has the example ath', async () => {
    expect(await accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    )
  })

  test('base64url has no padding and the URL alphabet', () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
    expect(base64url('ab')).toBe('YWI')
    // Two padding characters go as well as one.
    expect(base64url(new Uint8Array([0xfb]))).toBe('-w')
    expect(base64url('a')).toBe('YQ')
  })

  test('proofTarget drops query and fragment and normalises scheme, host and default port', () => {
    expect(proofTarget('HTTPS://Server.Example.com:443/token?x=1#y')).toBe(
      'https://server.example.com/token',
    )
    expect(proofTarget('http://127.0.0.1:8080/mcp/')).toBe('http://127.0.0.1:8080/mcp/')
  })
})

describe('exportPublicJwk', () => {
  test('the public members of a P-256 key, and nothing else', async () => {
    const { publicKey } = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const raw = await crypto.subtle.exportKey('jwk', publicKey)
    expect(await exportPublicJwk(publicKey)).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: raw.x,
      y: raw.y,
    })
  })

  test.each([
    ['an Ed25519 key (x, no y)', { name: 'Ed25519' }],
    [
      'an RSA key (neither x nor y)',
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
    ],
  ])('%s is refused', async (_name, algorithm) => {
    const { publicKey } = (await crypto.subtle.generateKey(algorithm, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    await expect(exportPublicJwk(publicKey)).rejects.toThrow(
      new TypeError('The DPoP public key is not an EC key'),
    )
  })
})
