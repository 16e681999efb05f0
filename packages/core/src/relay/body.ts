import { RelayRefusal } from './refusal.js'

/**
 * A body read whole, or `undefined` as soon as it is known to exceed `maxBytes`: by its declared
 * length, else once the bytes read pass the limit (the rest is never read). Errors of the
 * stream reach the caller.
 */
export async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (body === null) return new Uint8Array(0)
  if (Number(declaredLength) > maxBytes) {
    body.cancel().catch(() => {})
    return undefined
  }
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const chunk = await reader.read()
    if (chunk.done) break
    size += chunk.value.byteLength
    if (size > maxBytes) {
      reader.cancel().catch(() => {})
      return undefined
    }
    chunks.push(chunk.value)
  }
  const whole = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    whole.set(chunk, offset)
    offset += chunk.byteLength
  }
  return whole
}

/**
 * The page's request body, up to `maxBytes`: protocol messages are small, and a token request
 * must be read whole to add client authentication.
 */
export async function readBody(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (request.body === null) return undefined
  let body: Uint8Array<ArrayBuffer> | undefined
  try {
    body = await readAtMost(request.body, request.headers.get('content-length'), maxBytes)
  } catch {
    throw new RelayRefusal('aborted', 'The page stopped sending its request body.')
  }
  if (body === undefined) {
    throw new RelayRefusal('body_too_large', `The request body is larger than ${maxBytes} bytes.`)
  }
  return body
}
