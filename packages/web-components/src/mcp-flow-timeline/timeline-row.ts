import { eventSummary, type McpAuthEvent } from '@mcp-oauth/core/events'
import { h } from '../host/dom.js'
import { format } from '../host/format.js'
import type { McpTimelineStrings } from './timeline-strings.js'

/**
 * Whether a status change gets a row of its own. A refresh, a window, a step-up and a failed
 * step have their own rows already; their status changes would say the same twice.
 */
const shown = (event: Extract<McpAuthEvent, { type: 'status' }>) =>
  !!event.error ||
  (event.to === 'authorized'
    ? event.from !== 'refreshing'
    : /^(open|needs-(authorization|client-id|token)|cancelled|disconnected)$/.test(event.to))

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** A step that failed; a cancelled or denied authorization is the user's choice, not one. */
export const failed = (event: McpAuthEvent) =>
  !!event.error && (event.type !== 'status' || event.to === 'error')

/**
 * One event as a list item, or `undefined` for a status change another row already shows.
 * Text only, never HTML. The bar's width is set through the CSSOM, which a strict CSP allows.
 */
export function timelineRow(event: McpAuthEvent, s: McpTimelineStrings): HTMLElement | undefined {
  if (event.type === 'status' && !shown(event)) return undefined
  const { note, error, ms } = event
  const outcome = failed(event)
    ? 'failed'
    : note
      ? 'explained'
      : event.type === 'status'
        ? 'status'
        : 'ok'
  const at = new Date(event.at)
  const row = h(
    'li',
    { part: `row ${outcome}`, 'data-type': event.type },
    h(
      'span',
      { part: 'time' },
      `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`,
    ),
    h('span', { part: 'step' }, s.labels[event.type]),
    h(
      'span',
      { part: 'result' },
      [event.httpStatus, ms === undefined ? '' : `${ms} ms`]
        .filter((x) => x !== undefined && x !== '')
        .join(' · '),
    ),
    h('span', { part: 'detail' }, eventSummary(event, s)),
  )
  if (ms !== undefined) {
    const fill = h('span', { part: 'bar-fill' })
    // Log scale: 10 ms a quarter, 1 s three quarters, 10 s and more the whole width.
    fill.style.width = `${Math.min(100, Math.log10(1 + ms) * 25).toFixed(1)}%`
    row.append(h('span', { part: 'bar', 'aria-hidden': 'true' }, fill))
  }
  if (note) row.append(h('p', { part: 'note' }, s.notes[note]))
  if (error) {
    const details = Object.entries(error.details ?? {}).map(([key, value]) => `\n${key}: ${value}`)
    row.append(
      h(
        'p',
        { part: 'error' },
        (s.errors as Record<string, string>)[error.code] ?? s.errors.default,
      ),
      h(
        'details',
        { part: 'error-details' },
        h('summary', {}, s.details),
        h('pre', {}, `${error.code}: ${error.message}${details.join('')}`),
      ),
    )
  }
  const requests = event.requests ?? []
  if (requests.length > 1 || (error && requests.length)) {
    row.append(
      h(
        'details',
        { part: 'requests' },
        h('summary', {}, format(s.requests, { n: String(requests.length) })),
        h(
          'ul',
          {},
          ...requests.map((r) =>
            h(
              'li',
              {},
              `${r.method} ${r.url} → ${r.status ?? r.failure} · ${r.ms} ms${r.relay ? ` · ${s.relay}` : ''}`,
            ),
          ),
        ),
      ),
    )
  }
  return row
}
