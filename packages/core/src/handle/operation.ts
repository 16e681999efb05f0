import type { ReplayableRequest } from '../contracts/fetch.js'

/**
 * Names the operation a request performs, for step-up attempt limits per resource and
 * operation (MCP authorization 2026-07-28, "Step-Up Authorization Flow"): the HTTP method and
 * path, plus the JSON-RPC method and tool name when the body is an MCP request. Reads the body
 * the request already holds: nothing is cloned or read again.
 */
export function operationKey({ url, method, body }: ReplayableRequest): string {
  const { origin, pathname } = new URL(url)
  let key = `${method} ${origin}${pathname}`
  if (method !== 'POST' || body === null) return key
  try {
    const message = JSON.parse(
      typeof body === 'string' ? body : new TextDecoder().decode(body),
    ) as {
      method?: unknown
      params?: { name?: unknown }
    }
    if (typeof message.method === 'string') key += ` ${message.method}`
    // Stryker disable next-line OptionalChaining: without params this throws into the catch below, which returns the same key
    if (typeof message.params?.name === 'string') key += ` ${message.params.name}`
  } catch {
    // not JSON: the HTTP method and path name the operation
  }
  return key
}
