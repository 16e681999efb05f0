/**
 * Names the operation a request performs, for step-up attempt limits per resource and
 * operation (MCP authorization 2026-07-28, "Step-Up Authorization Flow"): the HTTP method and
 * path, plus the JSON-RPC method and tool name when the body is an MCP request.
 */
export async function operationKey(request: Request): Promise<string> {
  const url = new URL(request.url)
  let key = `${request.method} ${url.origin}${url.pathname}`
  if (request.method !== 'POST' || !request.body) return key
  try {
    const body = JSON.parse(await request.clone().text()) as {
      method?: unknown
      params?: { name?: unknown }
    }
    if (typeof body.method === 'string') key += ` ${body.method}`
    // Stryker disable next-line OptionalChaining: without params this throws into the catch below, which returns the same key
    if (typeof body.params?.name === 'string') key += ` ${body.params.name}`
  } catch {
    // not JSON: the HTTP method and path name the operation
  }
  return key
}
