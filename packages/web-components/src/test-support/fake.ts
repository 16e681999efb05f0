import type { McpAuth, McpServerHandle, McpServerSnapshot } from '@mcp-oauth/core'
import { vi } from 'vitest'

/** Any part of a snapshot as the core gives it. */
export type FakeSnapshot = Partial<McpServerSnapshot>

/** A handle whose snapshot the test sets directly. */
export function fakeHandle(initial: FakeSnapshot = {}) {
  let snapshot: McpServerSnapshot = {
    resource: 'https://mcp.example.com/mcp',
    status: 'needs-authorization',
    scopes: [],
    storage: 'memory',
    issuer: 'https://auth.example.com',
    ...initial,
  }
  const listeners = new Set<(s: McpServerSnapshot) => void>()
  const calls: string[] = []
  const handle = {
    url: snapshot.resource,
    getSnapshot: () => snapshot,
    subscribe(listener: (s: McpServerSnapshot) => void) {
      listeners.add(listener)
      listener(snapshot)
      return () => listeners.delete(listener)
    },
    probe: vi.fn(async () => snapshot),
    authorize: vi.fn((options?: unknown) => {
      calls.push(`authorize ${JSON.stringify(options ?? {})}`)
      return new Promise<McpServerSnapshot>(() => {})
    }),
    cancel: vi.fn(),
    retry: vi.fn(async () => snapshot),
    disconnect: vi.fn(async () => snapshot),
    submitClientId: vi.fn(async () => snapshot),
    submitToken: vi.fn(async () => snapshot),
  }
  return {
    handle,
    calls,
    listenerCount: () => listeners.size,
    set(patch: FakeSnapshot) {
      snapshot = { ...snapshot, ...patch }
      for (const listener of listeners) listener(snapshot)
    },
  }
}

export function fakeAuth(fake: ReturnType<typeof fakeHandle>): McpAuth {
  return {
    server: () => fake.handle as unknown as McpServerHandle,
    servers: () => [fake.handle as unknown as McpServerHandle],
    completeRedirect: async () => undefined,
    restore: async () => [fake.handle as unknown as McpServerHandle],
    onServersChange: () => () => {},
    dispose: () => {},
  }
}

export function mount<K extends 'mcp-authorize' | 'mcp-server-card'>(
  tag: K,
  fake: ReturnType<typeof fakeHandle>,
) {
  const element = document.createElement(tag)
  element.auth = fakeAuth(fake)
  element.setAttribute('server-url', 'https://mcp.example.com/mcp')
  document.body.append(element)
  return element
}

export const text = (element: HTMLElement) => element.shadowRoot?.textContent ?? ''
export const buttons = (element: HTMLElement) =>
  [...(element.shadowRoot?.querySelectorAll('button') ?? [])].map((b) => b.textContent)
export const click = (element: HTMLElement, label: string) =>
  [...(element.shadowRoot?.querySelectorAll('button') ?? [])]
    .find((b) => b.textContent === label)!
    .click()
/** Waits until the element shows its form: the forms load the first time one is needed. */
export const formShown = (element: HTMLElement) =>
  vi.waitFor(() => {
    if (!element.shadowRoot?.querySelector('form')) throw new Error('no form yet')
  })

/** The shadow root's node matching `selector`. */
export const part = (element: HTMLElement, selector: string) =>
  element.shadowRoot!.querySelector<HTMLElement>(selector)!
