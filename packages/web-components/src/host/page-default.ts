import type { McpAuth } from '@mcp-oauth/core'

let defaultAuth: McpAuth | undefined

/** Connected elements of every entry, told when the page default changes. */
export const live = new Set<{ refresh(): void }>()

/** Sets the core instance every element uses unless its own `auth` property is set. */
export function setDefaultMcpAuth(auth: McpAuth | undefined): void {
  defaultAuth = auth
  for (const element of live) element.refresh()
}

/** The instance given to `setDefaultMcpAuth()`. */
export const defaultMcpAuth = (): McpAuth | undefined => defaultAuth

// Importing on a server (SSR) must not touch browser globals.
export const Base = (
  typeof HTMLElement === 'undefined' ? class {} : HTMLElement
) as typeof HTMLElement
