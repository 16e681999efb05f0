import { afterEach, describe, expect, test } from 'vitest'
import { isWithinResource, urlParts } from './urls.js'

const RealURL = URL
let parses = 0

/** Counts the URLs the module parses from here on. */
function countParses() {
  parses = 0
  globalThis.URL = new Proxy(RealURL, {
    construct(target, args, newTarget) {
      parses += 1
      return Reflect.construct(target, args, newTarget)
    },
  })
}

afterEach(() => {
  globalThis.URL = RealURL
})

describe('urlParts: each URL string parsed once', () => {
  test('gives the serialization, origin and path of an absolute URL, and nothing for any other', () => {
    expect(urlParts('HTTPS://Parts.example:443/a/../mcp?x=1#f')).toEqual({
      href: 'https://parts.example/mcp?x=1#f',
      origin: 'https://parts.example',
      path: '/mcp',
    })
    expect(urlParts(new URL('http://127.0.0.1:8080/b/'))).toEqual({
      href: 'http://127.0.0.1:8080/b/',
      origin: 'http://127.0.0.1:8080',
      path: '/b/',
    })
    for (const none of ['/mcp', '', 'mcp.example/x', '[object Request]']) {
      expect(urlParts(none)).toBeUndefined()
    }
  })

  test('the same string again costs no parse, a URL that is none included', () => {
    countParses()
    for (let i = 0; i < 5; i++) {
      expect(urlParts('https://once.example/mcp')?.path).toBe('/mcp')
      expect(urlParts('/relative-once')).toBeUndefined()
      expect(isWithinResource('https://once.example/mcp/x', 'https://once.example/mcp')).toBe(true)
    }
    expect(parses).toBe(3)
  })

  test('stays small: past 32 strings it starts again, and every answer stays right', () => {
    countParses()
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 130; i++) {
        expect(urlParts(`https://many-${i}.example/p${i}`)).toEqual({
          href: `https://many-${i}.example/p${i}`,
          origin: `https://many-${i}.example`,
          path: `/p${i}`,
        })
      }
    }
    // Every string was parsed again on the second pass: none was kept past the bound.
    expect(parses).toBe(260)
  })
})
