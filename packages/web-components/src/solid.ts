/**
 * Solid typings for the elements: attributes, properties and events in Solid's JSX. Types
 * only; load them once, e.g. in the entry or in `env.d.ts`:
 *
 * ```ts
 * import type {} from '@mcp-oauth/web-components/solid'
 * ```
 *
 * Listen with `on:` (`on:mcp-authorized={…}`): Solid's `onX` handlers are for the DOM's own
 * events. Solid sets a custom element's dynamic attributes as properties, which the elements
 * have (`server-url` is `serverUrl`); `attr:server-url` forces the attribute.
 * @module
 */
import type { JSX } from 'solid-js'
import type { McpAuthorizeElement, McpServerCardElement } from './index.js'
import type {
  McpElementAttributes,
  McpElementEventMap,
  McpElementProperties,
  McpFlowTimelineProperties,
} from './jsx-types.js'
import type { McpFlowTimelineElement } from './timeline.js'

/** `on:mcp-…` listeners, each with its event's type. */
export type McpSolidEvents = {
  [K in keyof McpElementEventMap as `on:${K}`]?: (event: McpElementEventMap[K]) => void
}

/** What Solid's JSX accepts on `<mcp-authorize>` and `<mcp-server-card>`. */
export type McpSolidElementProps<T> = JSX.HTMLAttributes<T> &
  McpElementAttributes &
  McpElementProperties &
  McpSolidEvents & {
    'attr:server-url'?: string
    'prop:auth'?: McpElementProperties['auth']
    'prop:strings'?: McpElementProperties['strings']
  }

/** What Solid's JSX accepts on `<mcp-flow-timeline>`. */
export type McpSolidTimelineProps = JSX.HTMLAttributes<McpFlowTimelineElement> &
  McpFlowTimelineProperties & {
    'prop:auth'?: McpFlowTimelineProperties['auth']
    'prop:strings'?: McpFlowTimelineProperties['strings']
  }

declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements {
      'mcp-authorize': McpSolidElementProps<McpAuthorizeElement>
      'mcp-server-card': McpSolidElementProps<McpServerCardElement>
      'mcp-flow-timeline': McpSolidTimelineProps
    }
  }
}
