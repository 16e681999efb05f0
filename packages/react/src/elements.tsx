import type { McpAuth, McpServerSnapshot } from '@mcp-oauth/core'
import { defineMcpElements, type McpErrorDetail, type McpStrings } from '@mcp-oauth/web-components'
import { createElement, useEffect, useRef } from 'react'
import { useMcpContext } from './context.js'

export interface McpElementProps {
  serverUrl: string
  /** Display name; defaults to the server's metadata. */
  serverName?: string
  /** Scopes to request instead of the automatic selection. */
  scope?: string
  mode?: 'popup' | 'redirect'
  /** Overrides for any user-facing string. */
  strings?: Partial<McpStrings>
  /** A core instance; defaults to the one from `<McpAuthProvider>`. */
  auth?: McpAuth
  className?: string
  onAuthorized?: (snapshot: McpServerSnapshot) => void
  onError?: (error: McpErrorDetail) => void
  onStatusChange?: (snapshot: McpServerSnapshot) => void
  /** Return `false` to stop an authorization before it starts. */
  onAuthorizeRequest?: (snapshot: McpServerSnapshot) => boolean | undefined
}

type Listener = (event: Event) => void

/**
 * Renders one of the custom elements. Objects go in as properties and events are attached
 * through a ref, which behaves the same on React 18 and 19; the elements are defined in an
 * effect, so nothing touches `window` during server rendering.
 */
function useMcpElement(tag: 'mcp-authorize' | 'mcp-server-card', props: McpElementProps) {
  const { auth } = useMcpContext(props.auth)
  const ref = useRef<HTMLElement & { auth?: McpAuth; strings?: Partial<McpStrings> | undefined }>(
    null,
  )
  const callbacks = useRef(props)
  callbacks.current = props

  useEffect(() => {
    defineMcpElements()
  }, [])

  useEffect(() => {
    const element = ref.current
    if (element) element.strings = props.strings
  }, [props.strings])

  useEffect(() => {
    const element = ref.current
    if (!element) return
    const detail = (event: Event) => (event as CustomEvent).detail
    const listeners: Record<string, Listener> = {
      'mcp-authorized': (e) => callbacks.current.onAuthorized?.(detail(e)),
      'mcp-error': (e) => callbacks.current.onError?.(detail(e)),
      'mcp-status-change': (e) => callbacks.current.onStatusChange?.(detail(e)),
      'mcp-authorize-request': (e) => {
        if (callbacks.current.onAuthorizeRequest?.(detail(e)) === false) e.preventDefault()
      },
    }
    for (const [type, listener] of Object.entries(listeners))
      element.addEventListener(type, listener)
    return () => {
      for (const [type, listener] of Object.entries(listeners)) {
        element.removeEventListener(type, listener)
      }
    }
  }, [])

  // After the listeners, so the element's first events reach the callbacks.
  useEffect(() => {
    const element = ref.current
    if (!element) return
    element.auth = auth
  }, [auth])

  return createElement(tag, {
    ref,
    'server-url': props.serverUrl,
    'server-name': props.serverName,
    scope: props.scope,
    mode: props.mode,
    class: props.className,
  })
}

/** The authorize step for one server: `<mcp-authorize>` for React. */
export function AuthorizeStep(props: McpElementProps) {
  return useMcpElement('mcp-authorize', props)
}

/** One server at a glance: `<mcp-server-card>` for React. */
export function ServerCard(props: McpElementProps) {
  return useMcpElement('mcp-server-card', props)
}
