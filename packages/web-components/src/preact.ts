/**
 * Preact typings for the elements: attributes, properties and events in Preact's JSX. Types
 * only; load them once, e.g. in the entry or in `env.d.ts`:
 *
 * ```ts
 * import type {} from '@mcp-oauth/web-components/preact'
 * ```
 *
 * Listen with `onmcp-authorized={…}` (lower case, as the event is named): Preact adds a
 * listener for the name after `on`. It sets `auth` and `strings` as properties, since the
 * elements have them, and `server-url` as an attribute.
 * @module
 */
import type { HTMLAttributes } from 'preact'
import type { McpAuthorizeElement, McpServerCardElement } from './index.js'
import type {
  McpElementAttributes,
  McpElementEventMap,
  McpElementProperties,
  McpFlowTimelineProperties,
} from './jsx-types.js'
import type { McpFlowTimelineElement } from './timeline.js'

/** `onmcp-…` listeners, each with its event's type. */
export type McpPreactEvents = {
  [K in keyof McpElementEventMap as `on${K}`]?: (event: McpElementEventMap[K]) => void
}

/** What Preact's JSX accepts on `<mcp-authorize>` and `<mcp-server-card>`. */
export type McpPreactElementProps<T extends EventTarget> = HTMLAttributes<T> &
  McpElementAttributes &
  McpElementProperties &
  McpPreactEvents

/** What Preact's JSX accepts on `<mcp-flow-timeline>`. */
export type McpPreactTimelineProps = HTMLAttributes<McpFlowTimelineElement> &
  McpFlowTimelineProperties

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'mcp-authorize': McpPreactElementProps<McpAuthorizeElement>
      'mcp-server-card': McpPreactElementProps<McpServerCardElement>
      'mcp-flow-timeline': McpPreactTimelineProps
    }
  }
}
