/**
 * Vue typings for the elements: props and events for Vue's template type checker
 * (`vue-tsc`, Volar). Types only; load them once, e.g. in `env.d.ts`:
 *
 * ```ts
 * /// <reference types="@mcp-oauth/web-components/vue" />
 * ```
 *
 * Vue must also be told that `mcp-*` tags are custom elements
 * (`compilerOptions.isCustomElement`); see the package README.
 * @module
 */
import type { McpAuth, McpServerSnapshot } from '@mcp-oauth/core'
import type { DefineComponent } from 'vue'
import type { McpTimelineStringOverrides } from './mcp-flow-timeline/timeline-strings.js'
import type { McpErrorDetail } from './server-element/server-controller.js'
import type { McpStringOverrides } from './server-element/strings.js'

/**
 * What a template may set on `<mcp-authorize>` and `<mcp-server-card>`: `server-url` (or
 * `serverUrl`), `server-name`, `scope`, `mode`, `probe`, and the properties `:auth` and
 * `:strings`.
 */
export interface McpElementVueProps {
  serverUrl: string
  serverName?: string
  scope?: string
  mode?: 'popup' | 'redirect'
  probe?: 'auto' | 'manual'
  auth?: McpAuth
  strings?: McpStringOverrides
}

/** The elements' events, as `@mcp-authorized="…"` listeners receive them. */
export interface McpElementVueEvents {
  onMcpStatusChange?: (event: CustomEvent<McpServerSnapshot>) => void
  onMcpAuthorized?: (event: CustomEvent<McpServerSnapshot>) => void
  onMcpRestored?: (event: CustomEvent<McpServerSnapshot>) => void
  onMcpError?: (event: CustomEvent<McpErrorDetail>) => void
  onMcpAuthorizeRequest?: (event: CustomEvent<McpServerSnapshot>) => void
}

/** One of the elements, as Vue's type checker sees it. */
export type McpElementVueComponent = DefineComponent<McpElementVueProps & McpElementVueEvents>

/** What a template may set on `<mcp-flow-timeline>`: the properties `:auth` and `:strings`. */
export interface McpFlowTimelineVueProps {
  auth?: McpAuth
  strings?: McpTimelineStringOverrides
}

declare module 'vue' {
  interface GlobalComponents {
    'mcp-authorize': McpElementVueComponent
    'mcp-server-card': McpElementVueComponent
    'mcp-flow-timeline': DefineComponent<McpFlowTimelineVueProps>
  }
}
