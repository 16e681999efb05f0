import { describe, expect, test } from 'vitest'
import { memoryStorage } from '../storage/memory.js'
import { dpopLoader } from './dpop-loader.js'

const ES256 = { dpop_signing_alg_values_supported: ['ES256'] }
const OTHER = { dpop_signing_alg_values_supported: ['RS256'] }

describe('dpopLoader: the DPoP module loads only for servers that may bind tokens', () => {
  test("'auto': a server listing ES256, or a stored DPoP token", async () => {
    const load = dpopLoader('auto', memoryStorage())
    expect(load(undefined)).toBeUndefined()
    expect(load({})).toBeUndefined()
    expect(load(OTHER)).toBeUndefined()
    expect(load(OTHER, 'Bearer')).toBeUndefined()
    const dpop = await load(ES256)
    expect(dpop?.mode).toBe('auto')
    // One module per kit: every later use gets the same instance.
    expect(await load(undefined, 'DPoP')).toBe(dpop)
  })

  test("'required': every server with metadata, whatever it lists", async () => {
    const load = dpopLoader('required', memoryStorage())
    expect(load(undefined)).toBeUndefined()
    expect((await load({}))?.mode).toBe('required')
    expect((await load(OTHER))?.mode).toBe('required')
  })

  test("'off': never for new grants, even to a server listing ES256; a stored DPoP token still loads it", async () => {
    const load = dpopLoader('off', memoryStorage())
    expect(load(ES256)).toBeUndefined()
    expect(load({})).toBeUndefined()
    expect((await load(undefined, 'DPoP'))?.mode).toBe('off')
  })
})
