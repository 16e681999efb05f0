import { EVENT_TEXT, type McpEventText } from '@mcp-oauth/core/events'
import { DEFAULT_STRINGS, type McpStrings } from '../server-element/strings.js'

/**
 * Every user-facing string of `<mcp-flow-timeline>`. The step labels and explanations start
 * from the event stream's words (`EVENT_TEXT`), the error messages from the other elements'
 * (`DEFAULT_STRINGS.errors`). `{count}`, `{failed}` and `{n}` are filled in.
 */
export interface McpTimelineStrings extends McpEventText {
  title: string
  /** The accessible name of the scrollable list of steps. */
  log: string
  empty: string
  copy: string
  copied: string
  copyFailed: string
  download: string
  clear: string
  /** Read out by screen readers at most once a second, never for each step. */
  summary: string
  details: string
  requests: string
  errors: McpStrings['errors']
}

/** What the `strings` property accepts: any subset; the nested tables entry by entry. */
export type McpTimelineStringOverrides = {
  [K in keyof McpTimelineStrings]?: McpTimelineStrings[K] extends string
    ? string
    : Partial<McpTimelineStrings[K]>
}

export const DEFAULT_TIMELINE_STRINGS: McpTimelineStrings = {
  ...EVENT_TEXT,
  title: 'Flow timeline',
  log: 'Protocol steps',
  empty: 'No steps yet: each one shows here as it happens.',
  copy: 'Copy as text',
  copied: 'Trace copied.',
  copyFailed: 'The trace could not be copied: use Download JSON.',
  download: 'Download JSON',
  clear: 'Clear',
  summary: 'Events: {count}. Failed: {failed}.',
  details: 'Details',
  requests: 'Requests ({n})',
  // The user's own choices, in the words the other elements use for them.
  errors: {
    ...DEFAULT_STRINGS.errors,
    access_denied: DEFAULT_STRINGS.denied,
    cancelled: DEFAULT_STRINGS.cancelled,
  },
}

/** The defaults with the app's overrides, one level deep into every table. */
export function mergeTimelineStrings(
  overrides: McpTimelineStringOverrides | undefined,
): McpTimelineStrings {
  if (!overrides) return DEFAULT_TIMELINE_STRINGS
  const merged: Record<string, unknown> = { ...DEFAULT_TIMELINE_STRINGS }
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key]
    merged[key] = typeof base === 'object' && base ? { ...base, ...(value as object) } : value
  }
  return merged as unknown as McpTimelineStrings
}
