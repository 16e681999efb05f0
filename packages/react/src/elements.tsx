import type { McpAuth, McpServerSnapshot } from '@mcp-oauth/core'
import { authorizationChange } from '@mcp-oauth/core/rules'
import {
  defineMcpElements,
  type McpElement,
  type McpErrorDetail,
  type McpStrings,
} from '@mcp-oauth/web-components'
import { type CSSProperties, createElement, useEffect, useRef } from 'react'
import { useOptionalMcpAuth } from './context.js'

/** Overrides for any user-facing string of the elements; error messages one by one. */
export type McpStringOverrides = Partial<Omit<McpStrings, 'errors'>> & {
  errors?: Partial<McpStrings['errors']>
}

export interface McpElementProps {
  serverUrl: string
  /** Display name; defaults to the server's metadata, then its host. */
  serverName?: string
  /** Scopes to request instead of the automatic selection. */
  scope?: string
  mode?: 'popup' | 'redirect'
  strings?: McpStringOverrides
  /** A core instance; defaults to `<McpAuthProvider>`'s, then to `setDefaultMcpAuth()`'s. */
  auth?: McpAuth
  className?: string
  style?: CSSProperties
  /**
   * The user just authorized in this page: an authorization finished, or a typed token was
   * accepted. Never on a reload that found stored tokens (see `onRestored`), nor after a
   * silent refresh.
   */
  onAuthorized?: (snapshot: McpServerSnapshot) => void
  /**
   * The server turned out to be authorized without an authorization in this page: stored
   * tokens were found on load, or another tab authorized it.
   */
  onRestored?: (snapshot: McpServerSnapshot) => void
  /** A new error, with the element's own message (never the server's text). */
  onError?: (error: McpErrorDetail) => void
  onStatusChange?: (snapshot: McpServerSnapshot) => void
  /** Called before an authorization starts, inside the click; return `false` to stop it. */
  onAuthorizeRequest?: (snapshot: McpServerSnapshot) => boolean | undefined
}

export type AuthorizeStepProps = McpElementProps
export type ServerCardProps = McpElementProps

type Callbacks = Pick<
  McpElementProps,
  'onAuthorized' | 'onRestored' | 'onError' | 'onStatusChange' | 'onAuthorizeRequest'
>

/**
 * Element events and the callback each one feeds. `onAuthorized` and `onRestored` follow the
 * core's `authorizationChange()` over the status changes, so they mean the same on every
 * element version.
 */
function listenersFor(callbacks: { current: Callbacks }): Record<string, (event: Event) => void> {
  const snapshot = (event: Event) => (event as CustomEvent<McpServerSnapshot>).detail
  let previous: McpServerSnapshot | undefined
  return {
    'mcp-error': (event) =>
      callbacks.current.onError?.((event as CustomEvent<McpErrorDetail>).detail),
    'mcp-status-change': (event) => {
      const current = snapshot(event)
      const change = authorizationChange(
        previous?.resource === current.resource ? previous : undefined,
        current,
      )
      previous = current
      callbacks.current.onStatusChange?.(current)
      if (change === 'authorized') callbacks.current.onAuthorized?.(current)
      if (change === 'restored') callbacks.current.onRestored?.(current)
    },
    'mcp-authorize-request': (event) => {
      if (callbacks.current.onAuthorizeRequest?.(snapshot(event)) === false) event.preventDefault()
    },
  }
}

/**
 * Renders one of the custom elements. Objects go in as properties and events are attached
 * through a ref, which behaves the same on React 18 and 19; the elements are defined in an
 * effect, so nothing touches `window` during server rendering.
 */
function useMcpElement(tag: 'mcp-authorize' | 'mcp-server-card', props: McpElementProps) {
  const auth = useOptionalMcpAuth(props.auth)
  const ref = useRef<McpElement>(null)
  const callbacks = useRef<McpElementProps>(props)
  callbacks.current = props
  // Inline `strings={{…}}` objects must not re-render the element on every render.
  const stringsKey = props.strings ? JSON.stringify(props.strings) : ''

  useEffect(() => {
    // Defined before the first property is set, so properties hit the element's setters.
    defineMcpElements()
    const element = ref.current
    if (!element) return
    const listeners = Object.entries(listenersFor(callbacks))
    for (const [type, listener] of listeners) element.addEventListener(type, listener)
    return () => {
      for (const [type, listener] of listeners) element.removeEventListener(type, listener)
    }
  }, [])

  useEffect(() => {
    if (ref.current) ref.current.auth = auth
  }, [auth])

  // biome-ignore lint/correctness/useExhaustiveDependencies: stringsKey stands for the object
  useEffect(() => {
    if (ref.current) ref.current.strings = callbacks.current.strings as Partial<McpStrings>
  }, [stringsKey])

  return createElement(tag, {
    ref,
    'server-url': props.serverUrl,
    'server-name': props.serverName,
    scope: props.scope,
    mode: props.mode,
    class: props.className,
    style: props.style,
  })
}

/**
 * The authorize step for one server, `<mcp-authorize>` for React: status, Authorize, waiting
 * with Cancel, the client-ID and token forms, errors with Retry.
 */
export function AuthorizeStep(props: AuthorizeStepProps) {
  return useMcpElement('mcp-authorize', props)
}

/**
 * One server at a glance, `<mcp-server-card>` for React: name, status pill with the expiry
 * countdown, Re-authorize, Disconnect, step-up.
 */
export function ServerCard(props: ServerCardProps) {
  return useMcpElement('mcp-server-card', props)
}
