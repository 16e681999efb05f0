/**
 * What JSX may set on the elements, whatever the framework: attributes, properties and event
 * types. The Solid and Preact entries map these onto their own JSX namespaces. Types only.
 * @module
 */
import type { McpAuth } from '@mcp-oauth/core'
import type { McpStringOverrides } from './index.js'
import type { McpTimelineStringOverrides } from './timeline.js'

/** The attributes of `<mcp-authorize>` and `<mcp-server-card>`; `server-url` is required. */
export interface McpElementAttributes {
  'server-url': string
  'server-name'?: string
  scope?: string
  mode?: 'popup' | 'redirect'
  probe?: 'auto' | 'manual'
}

/** The properties of `<mcp-authorize>` and `<mcp-server-card>` (objects, not attributes). */
export interface McpElementProperties {
  auth?: McpAuth
  strings?: McpStringOverrides
}

/** The properties of `<mcp-flow-timeline>`. */
export interface McpFlowTimelineProperties {
  auth?: McpAuth
  strings?: McpTimelineStringOverrides
}

/** The elements' events by name, as the package declares them on every element. */
export type McpElementEventMap = Pick<
  GlobalEventHandlersEventMap,
  'mcp-status-change' | 'mcp-authorized' | 'mcp-restored' | 'mcp-error' | 'mcp-authorize-request'
>
