/**
 * `<mcp-flow-timeline>` on its own entry: an app that does not show the timeline does not
 * load it, nor the event stream's formatting. Importing this module defines nothing; call
 * `defineMcpFlowTimeline()`.
 * @module
 */
import { McpFlowTimelineElement } from './mcp-flow-timeline/mcp-flow-timeline.js'

export {
  DEFAULT_TIMELINE_STRINGS,
  type McpTimelineStringOverrides,
  type McpTimelineStrings,
} from './mcp-flow-timeline/timeline-strings.js'
export { McpFlowTimelineElement }

/**
 * Registers `<mcp-flow-timeline>`, once (a second call is a no-op). Without a registry
 * (server-side rendering) it does nothing.
 */
export function defineMcpFlowTimeline(registry?: CustomElementRegistry): void {
  registry ??= typeof customElements === 'undefined' ? undefined : customElements
  if (registry && !registry.get('mcp-flow-timeline')) {
    registry.define('mcp-flow-timeline', McpFlowTimelineElement)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mcp-flow-timeline': McpFlowTimelineElement
  }
}
