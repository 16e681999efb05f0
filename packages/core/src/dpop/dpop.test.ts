import { readProof } from '@mcp-oauth/test-world'
import { describe, expect, test, vi } from 'vitest'
import { memoryStorage } from '../storage/memory.js'
import { createDpop } from './dpop.js'
import { dpopKeyStorageKey } from './key-store.js'

const ISSUER = 'https://auth.example.com'
const RESOURCE = 'https://mcp.example.com/mcp'
const TOKEN_ENDPOINT = `${ISSUER}/token`
const binds = { issuer: ISSUER, dpop_signing_alg_values_supported: ['ES256'] }
const bearerOnly = { issuer: ISSUER }

/** A token endpoint that records the proof of each request and answers 200. */
function recorder() {
  const sent: string[] = []
  const send = vi.fn(async (headers: { dpop: string }) => {
    sent.push(headers.dpop)
    return new Response('{}', { status: 200 })
  })
  return { sent, send }
}

describe('createDpop: the mode and its rules', () => {
  test("'auto' by default: proofs only for a server listing ES256", () => {
    const dpop = createDpop({ storage: memoryStorage() })
    expect(dpop.mode).toBe('auto')
    expect(dpop.plan(binds)).toBe('auto')
    expect(dpop.plan(bearerOnly)).toBe('off')
    expect(dpop.forAuthorization(bearerOnly, RESOURCE)).toBeUndefined()
  })

  test("'required' mode applies to a server that lists nothing, and refuses a bearer answer", () => {
    const dpop = createDpop({ storage: memoryStorage(), mode: 'required' })
    expect(dpop.mode).toBe('required')
    expect(dpop.plan(bearerOnly)).toBe('required')
    expect(() => dpop.plan({ issuer: ISSUER, dpop_signing_alg_values_supported: [] })).toThrow(
      expect.objectContaining({ code: 'dpop_unsupported' }),
    )
    expect(() => dpop.tokenType(true, 'Bearer')).toThrow(
      expect.objectContaining({ code: 'dpop_unsupported' }),
    )
    expect(dpop.tokenType(false, 'Bearer')).toBe('Bearer')
    expect(dpop.tokenType(true, 'DPoP')).toBe('DPoP')
    expect(() => dpop.forAuthorization(bearerOnly, RESOURCE)!.tokenType('Bearer')).toThrow(
      expect.objectContaining({ code: 'dpop_unsupported' }),
    )
  })

  test('the token type of an answer: DPoP only to a request with a proof', () => {
    const dpop = createDpop({ storage: memoryStorage() })
    expect(dpop.tokenType(false, 'bearer')).toBe('Bearer')
    expect(() => dpop.tokenType(false, 'DPoP')).toThrow(
      expect.objectContaining({ code: 'token_request_failed' }),
    )
    expect(dpop.forAuthorization(binds, RESOURCE)!.tokenType('dpop')).toBe('DPoP')
    expect(dpop.forAuthorization(binds, RESOURCE)!.tokenType('Bearer')).toBe('Bearer')
  })
})

describe('createDpop: which grant gets proofs', () => {
  test('a new authorization creates the key and signs the code exchange with it', async () => {
    const storage = memoryStorage()
    const dpop = createDpop({ storage })
    const { sent, send } = recorder()
    await dpop.forAuthorization(binds, RESOURCE)!.tokenRequest(TOKEN_ENDPOINT, send)
    expect(sent).toHaveLength(1)
    const proof = await readProof(sent[0]!)
    expect(proof.verified).toBe(true)
    expect(proof.payload).toMatchObject({ htm: 'POST', htu: TOKEN_ENDPOINT })
    expect(await storage.keys('dpop-key:')).toEqual([dpopKeyStorageKey(ISSUER, RESOURCE)])
  })

  test('the refresh of a bound token keeps its key, even once the server stops listing ES256', async () => {
    const dpop = createDpop({ storage: memoryStorage() })
    const jkt = await dpop.binding(ISSUER, RESOURCE).thumbprint()
    const proofs = dpop.forRefresh({
      issuer: ISSUER,
      resource: RESOURCE,
      as: bearerOnly,
      tokenType: 'DPoP',
    })
    const { sent, send } = recorder()
    await proofs!.tokenRequest(TOKEN_ENDPOINT, send)
    expect((await readProof(sent[0]!)).jkt).toBe(jkt)
  })

  test('the refresh of a bound token whose key is gone: dpop_key_lost, nothing sent, no new key', async () => {
    const storage = memoryStorage()
    const dpop = createDpop({ storage })
    const proofs = dpop.forRefresh({
      issuer: ISSUER,
      resource: RESOURCE,
      as: binds,
      tokenType: 'DPoP',
    })
    const { send } = recorder()
    await expect(proofs!.tokenRequest(TOKEN_ENDPOINT, send)).rejects.toMatchObject({
      code: 'dpop_key_lost',
      details: { issuer: ISSUER, resource: RESOURCE },
    })
    expect(send).not.toHaveBeenCalled()
    expect(await storage.keys('dpop-key:')).toEqual([])
  })

  test('the refresh of a bearer token: proofs (and a new key) once the server binds tokens', async () => {
    const storage = memoryStorage()
    const dpop = createDpop({ storage })
    const grant = { issuer: ISSUER, resource: RESOURCE, tokenType: 'Bearer' as const }
    expect(dpop.forRefresh({ ...grant, as: bearerOnly })).toBeUndefined()
    const proofs = dpop.forRefresh({ ...grant, as: binds })
    const { sent, send } = recorder()
    await proofs!.tokenRequest(TOKEN_ENDPOINT, send)
    expect(sent).toHaveLength(1)
    expect(await storage.keys('dpop-key:')).toEqual([dpopKeyStorageKey(ISSUER, RESOURCE)])
  })

  test('a grant without an issuer or without metadata (a static token) is never refreshed with proofs', () => {
    const dpop = createDpop({ storage: memoryStorage() })
    const bound = { resource: RESOURCE, tokenType: 'DPoP' as const }
    expect(dpop.forRefresh({ ...bound, as: binds })).toBeUndefined()
    expect(dpop.forRefresh({ ...bound, issuer: ISSUER })).toBeUndefined()
  })
})

describe('createDpop: presenting stored tokens', () => {
  test('bindingFor: the binding of a DPoP token with an issuer, none for bearer tokens', () => {
    const dpop = createDpop({ storage: memoryStorage() })
    expect(dpop.bindingFor({ issuer: ISSUER, resource: RESOURCE, tokenType: 'DPoP' })).toBe(
      dpop.binding(ISSUER, RESOURCE),
    )
    expect(dpop.bindingFor({ issuer: ISSUER, resource: RESOURCE, tokenType: 'Bearer' })).toBe(
      undefined,
    )
    expect(dpop.bindingFor({ issuer: ISSUER, resource: RESOURCE })).toBeUndefined()
    expect(dpop.bindingFor({ resource: RESOURCE, tokenType: 'DPoP' })).toBeUndefined()
  })

  test('usable: a DPoP token needs its key; a bearer token never does', async () => {
    const storage = memoryStorage()
    const dpop = createDpop({ storage })
    const bound = { issuer: ISSUER, resource: RESOURCE, tokenType: 'DPoP' as const }
    expect(await dpop.usable(bound)).toBe(false)
    expect(await dpop.usable({ ...bound, tokenType: 'Bearer' })).toBe(true)
    expect(await dpop.usable({ issuer: ISSUER, resource: RESOURCE })).toBe(true)
    expect(await dpop.usable({ resource: RESOURCE, tokenType: 'DPoP' })).toBe(true)
    // Asking never makes a key.
    expect(await storage.keys('dpop-key:')).toEqual([])
    await dpop.binding(ISSUER, RESOURCE).thumbprint()
    expect(await dpop.usable(bound)).toBe(true)
  })

  test('release: deletes the key and signs the revocation with it; nothing for a grant without issuer', async () => {
    const storage = memoryStorage()
    const dpop = createDpop({ storage })
    const jkt = await dpop.binding(ISSUER, RESOURCE).thumbprint()
    expect(await dpop.release({ resource: RESOURCE, tokenType: 'DPoP' })).toBeUndefined()
    expect(await storage.keys('dpop-key:')).toHaveLength(1)
    const revoke = await dpop.release({ issuer: ISSUER, resource: RESOURCE, tokenType: 'DPoP' })
    expect(await storage.keys('dpop-key:')).toEqual([])
    const { sent, send } = recorder()
    await revoke!(`${ISSUER}/revoke`, send)
    expect((await readProof(sent[0]!)).jkt).toBe(jkt)
  })
})
