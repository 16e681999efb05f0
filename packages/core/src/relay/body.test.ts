import { expect, test } from 'vitest'
import { readAtMost } from './body.js'

const stream = (...chunks: number[][]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk))
      controller.close()
    },
  })

test('chunks are joined in order', async () => {
  expect(await readAtMost(stream([1, 2], [3], [4, 5, 6]), null, 10)).toEqual(
    new Uint8Array([1, 2, 3, 4, 5, 6]),
  )
})

test('no body reads as empty', async () => {
  expect(await readAtMost(null, null, 10)).toEqual(new Uint8Array(0))
})

test('exactly the limit is read; one byte more is not', async () => {
  expect(await readAtMost(stream([1, 2, 3]), '3', 3)).toEqual(new Uint8Array([1, 2, 3]))
  expect(await readAtMost(stream([1, 2], [3, 4]), null, 3)).toBeUndefined()
})

test('a declared length over the limit is refused before reading, whatever follows', async () => {
  let pulled = false
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled = true
      controller.close()
    },
  })
  expect(await readAtMost(body, '11', 10)).toBeUndefined()
  expect(pulled).toBe(false)
})
