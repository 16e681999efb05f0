import type { FetchLike, RequestStep } from '../contracts/fetch.js'
import { discard } from './fetch-json.js'
import { harmless, transportError } from './transport-error.js'

/**
 * Documents from servers (protected resource metadata, AS metadata, registration responses),
 * read within bounds before any use, so that nothing unbounded reaches the code that checks
 * them or the storage. Real ones are a few KB, nested a few levels.
 */
export const DOCUMENT_LIMITS = { bytes: 64 * 1024, depth: 32 }

/** Result of a metadata GET: the parsed JSON object, or the status of a miss. */
export type JsonResult = { ok: true; body: Record<string, unknown> } | { ok: false; status: number }

/**
 * GETs a metadata document. A 200 JSON object within {@link DOCUMENT_LIMITS} is `ok`; anything
 * else (another status, not JSON, not an object, too large or too deep) is a miss the caller
 * may fall through. Only transport failures throw (as `network_error` or `cors_blocked` for
 * `step`, or the abort reason when `signal` aborted). `answered` hears of the answer before its
 * body is read.
 */
export async function getJson(
  fetchFn: FetchLike,
  url: string,
  step: RequestStep,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
  answered?: (response: Response) => void,
): Promise<JsonResult> {
  const init: RequestInit = {
    method: 'GET',
    headers: { accept: 'application/json', ...headers },
    redirect: 'manual',
    ...(signal ? { signal } : {}),
  }
  // A metadata GET changes nothing: the relay may send it again when CORS refuses it.
  harmless.add(init)
  let response: Response
  try {
    response = await fetchFn(url, init)
  } catch (cause) {
    if (signal?.aborted) throw cause
    throw await transportError(fetchFn, url, step, cause)
  }
  answered?.(response)
  const { status } = response
  const body = status === 200 ? await readJsonObject(response) : discard(response)
  return body ? { ok: true, body } : { ok: false, status }
}

/**
 * The JSON object in `response`'s body, read no further than `bytes` (the rest is cancelled)
 * and parsed only when it nests no deeper than `depth` levels; anything else (too large, too
 * deep, not JSON, not an object) is `undefined`.
 */
export async function readJsonObject(
  response: Response,
  { bytes, depth } = DOCUMENT_LIMITS,
): Promise<Record<string, unknown> | undefined> {
  const reader = response.body?.getReader()
  const chunks: BlobPart[] = []
  try {
    for (let size = 0, chunk = await reader!.read(); !chunk.done; chunk = await reader!.read()) {
      size += chunk.value.length
      if (size > bytes) throw size
      chunks.push(chunk.value as Uint8Array<ArrayBuffer>)
    }
    const text = await new Blob(chunks).text()
    // Nesting, counted outside strings, before the parser sees anything.
    for (let i = 0, level = 0, inString = false; i < text.length; i++) {
      const c = text[i]
      if (inString) {
        if (c === '\\') i++
        else inString = c !== '"'
      } else if (c === '"') inString = true
      else if ((c === '[' || c === '{') && ++level > depth) throw level
      else if (c === ']' || c === '}') level--
    }
    const body: unknown = JSON.parse(text)
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      return body as Record<string, unknown>
    }
  } catch {
    // Too large, too deep, not JSON, or the body failed midway: no document, nothing more read.
    reader?.cancel().catch(() => {})
  }
  return undefined
}

/** The `fields` of `body` that are present, and nothing else: what the kit keeps of it. */
export function pick(body: Record<string, unknown>, fields: readonly string[]) {
  const kept: Record<string, unknown> = {}
  for (const field of fields) if (body[field] !== undefined) kept[field] = body[field]
  return kept
}
