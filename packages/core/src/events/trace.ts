import { describeEvent, EVENT_TEXT, type McpEventText } from './describe.js'
import type { McpAuthEvent } from './types.js'

/** A server as a short name: host and path. */
export function serverName(url: string): string {
  try {
    const { host, pathname } = new URL(url)
    return host + (pathname === '/' ? '' : pathname)
  } catch {
    return url
  }
}

/**
 * Events as plain text for a bug report: one line each (the time since the first event, the
 * server, the step in words, how long it took), and below a step of several requests, one
 * line per request. Redacted, like the events.
 */
export function formatTrace(
  events: readonly McpAuthEvent[],
  text: McpEventText = EVENT_TEXT,
): string {
  const start = events[0]?.at ?? 0
  const lines = [`mcp-oauth trace, ${events.length} events from ${new Date(start).toISOString()}`]
  for (const event of events) {
    const offset = `+${((event.at - start) / 1000).toFixed(3)}s`.padStart(9)
    const took = event.ms === undefined ? '' : ` (${event.ms} ms)`
    lines.push(`${offset}  ${serverName(event.server)}  ${describeEvent(event, text)}${took}`)
    if ((event.requests?.length ?? 0) > 1) {
      for (const r of event.requests!) {
        lines.push(`           ${r.method} ${r.url} → ${r.status ?? r.failure} (${r.ms} ms)`)
      }
    }
  }
  return lines.join('\n')
}

/** Events as a JSON document for a bug report: `{ format, version, events }`. */
export function serializeTrace(events: readonly McpAuthEvent[]): string {
  return JSON.stringify({ format: 'mcp-oauth-trace', version: 1, events }, null, 2)
}
