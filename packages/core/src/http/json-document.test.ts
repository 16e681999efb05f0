import { describe, expect, test } from 'vitest'
import { DOCUMENT_LIMITS, pick, readJsonObject } from './json-document.js'

const nested = (depth: number) => `${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}`

/** A response whose body arrives in chunks, counting how many were pulled. */
function streamed(chunks: string[]) {
  const pulled = { count: 0, cancelled: false }
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled.count++]
      if (next === undefined) controller.close()
      else controller.enqueue(encoder.encode(next))
    },
    cancel() {
      pulled.cancelled = true
    },
  })
  return { response: new Response(body), pulled }
}

describe('readJsonObject: documents from servers are bounded before use', () => {
  test('a JSON object within the limits is read', async () => {
    expect(
      await readJsonObject(new Response('{"issuer":"https://as.example","n":[1,{"x":2}]}')),
    ).toEqual({ issuer: 'https://as.example', n: [1, { x: 2 }] })
  })

  test.each([
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"x"'],
    ['not JSON', '<html>'],
    ['empty', ''],
  ])('%s is no document', async (_name, text) => {
    expect(await readJsonObject(new Response(text))).toBeUndefined()
  })

  test(`nesting up to ${DOCUMENT_LIMITS.depth} levels is read; one more is refused before parsing`, async () => {
    const at = `{"a":${nested(DOCUMENT_LIMITS.depth)}}`
    expect(await readJsonObject(new Response(at))).toBeDefined()
    const over = `{"a":${nested(DOCUMENT_LIMITS.depth + 1)}}`
    expect(await readJsonObject(new Response(over))).toBeUndefined()
  })

  test('brackets inside strings, and escaped quotes, do not count as nesting', async () => {
    const text = JSON.stringify({ a: `"${'['.repeat(100)}\\"{{{`, b: ['ok'] })
    expect(await readJsonObject(new Response(text))).toEqual(JSON.parse(text))
  })

  test('a body over the byte limit is refused, and read no further than the limit', async () => {
    const chunk = `{"a":"${'x'.repeat(8 * 1024)}`
    const { response, pulled } = streamed([chunk, ...Array(100).fill('x'.repeat(8 * 1024)), '"}'])
    expect(await readJsonObject(response)).toBeUndefined()
    expect(pulled.count).toBeLessThanOrEqual(DOCUMENT_LIMITS.bytes / (8 * 1024) + 2)
    expect(pulled.cancelled).toBe(true)
  })

  test('a body exactly at the limit is read', async () => {
    const text = `{"a":"${'x'.repeat(DOCUMENT_LIMITS.bytes - 8)}"}`
    expect(new TextEncoder().encode(text).length).toBe(DOCUMENT_LIMITS.bytes)
    expect(await readJsonObject(new Response(text))).toEqual({
      a: 'x'.repeat(DOCUMENT_LIMITS.bytes - 8),
    })
  })

  test('200,000 levels of nesting are refused without a stack overflow', async () => {
    const text = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`
    expect(
      await readJsonObject(new Response(text), { ...DOCUMENT_LIMITS, bytes: 1_000_000 }),
    ).toBeUndefined()
  })
})

describe('pick', () => {
  test('keeps the named fields that are present, nothing else', () => {
    expect(pick({ a: 1, b: undefined, c: 3, d: 4 }, ['a', 'b', 'd', 'e'])).toEqual({ a: 1, d: 4 })
    expect(Object.keys(pick({ a: 1, b: undefined }, ['a', 'b']))).toEqual(['a'])
  })
})
