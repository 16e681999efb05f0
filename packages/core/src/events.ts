/**
 * The event stream: what an `McpAuth` instance does, step by step, as typed and redacted
 * events, plus the words and exports that make them readable. A separate entry, so that an
 * app that does not listen pays nothing for it.
 *
 * ```ts
 * import { formatTrace, subscribeEvents, type McpAuthEvent } from '@mcp-oauth/core/events'
 *
 * const events: McpAuthEvent[] = []
 * const stop = subscribeEvents(auth, (event) => events.push(event))
 * // later, for a bug report:
 * console.log(formatTrace(events))
 * stop()
 * ```
 * @module
 */
export { describeEvent, EVENT_TEXT, eventSummary, type McpEventText } from './events/describe.js'
export { redactUrl } from './events/redact.js'
export { subscribeEvents } from './events/subscribe.js'
export { formatTrace, serializeTrace, serverName } from './events/trace.js'
export type {
  McpAuthEvent,
  McpAuthEventListener,
  McpAuthEventType,
  McpAuthorizationEvent,
  McpAuthorizationServerMetadataEvent,
  McpChallengeEvent,
  McpEventError,
  McpEventNote,
  McpEventRequest,
  McpFetchEvent,
  McpProbeEvent,
  McpRefreshEvent,
  McpRefreshReason,
  McpRegistrationEvent,
  McpResourceMetadataEvent,
  McpRevocationEvent,
  McpRouteEvent,
  McpStatusEvent,
  McpStepUpEvent,
  McpTokenEvent,
} from './events/types.js'
