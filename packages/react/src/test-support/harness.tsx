// Shared by the binding tests: msw, a fake world per test, and a small UI over the hook.
import {
  type AuthorizationDriver,
  createMcpAuth,
  type InteractiveDriver,
  type McpAuth,
  memoryStorage,
} from '@mcp-oauth/core'
import { createWorld, type World, type WorldOptions } from '@mcp-oauth/test-world'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { fireEvent, render, screen } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { type ReactNode, useState } from 'react'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { McpAuthProvider } from '../context.js'
import type { UseMcpAuthOptions } from '../types.js'
import { useMcpAuth } from '../useMcpAuth.js'

export { createWorld, type World, type WorldOptions }

export const REDIRECT = 'https://app.example/cb'
export const mock = setupServer()

/** Starts msw for the file; unhandled requests fail the test. */
export function setupMsw(): void {
  beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => mock.resetHandlers())
  afterAll(() => mock.close())
}

export function makeAuth(
  world: World,
  driver?: AuthorizationDriver | InteractiveDriver,
  fetch?: typeof globalThis.fetch,
): McpAuth {
  mock.use(...world.handlers)
  return createMcpAuth({
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    driver: driver ?? world.driver(),
    ...(fetch ? { fetch } : {}),
  })
}

/** A driver whose window stays open until the flow is aborted (cancel() or a newer flow). */
export const waitingDriver: AuthorizationDriver = ({ signal }) =>
  new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('window closed')))
  })

const rpc = (tool: string) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool } })

/** A minimal UI over the hook: status, error, statuses seen, and a button per action. */
export function Server({
  url,
  label = 'server',
  options,
}: {
  url: string | undefined
  label?: string
  options?: UseMcpAuthOptions
}) {
  const mcp = useMcpAuth(url, options)
  const [result, setResult] = useState('')
  const [seen] = useState<string[]>([])
  if (seen.at(-1) !== mcp.status) seen.push(mcp.status)
  const report = (promise: Promise<unknown>) =>
    promise.then(
      (value) => setResult(value instanceof Response ? String(value.status) : 'ok'),
      (error: { code?: string }) => setResult(`rejected ${error.code}`),
    )
  const call = (tool: string) =>
    report(
      mcp.fetch(url ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: rpc(tool),
      }),
    )
  const buttons: Record<string, () => unknown> = {
    authorize: () => report(mcp.authorize()),
    cancel: () => mcp.cancel(),
    disconnect: () => report(mcp.disconnect()),
    retry: () => report(mcp.retry()),
    'client id': () => report(mcp.submitClientId({ clientId: 'typed-client' })),
    token: () => report(mcp.submitToken('static-token')),
    echo: () => call('echo'),
    admin: () => call('admin'),
  }
  return (
    <section aria-label={label}>
      <output data-testid={`${label}-status`}>{mcp.status}</output>
      <output data-testid={`${label}-error`}>{mcp.error?.code ?? ''}</output>
      <output data-testid={`${label}-result`}>{result}</output>
      <output data-testid={`${label}-seen`}>{seen.join(' ')}</output>
      <output data-testid={`${label}-busy`}>
        {`${mcp.isAuthorizing ? 'authorizing' : ''} ${mcp.isDisconnecting ? 'disconnecting' : ''}`.trim()}
      </output>
      {Object.entries(buttons).map(([name, onClick]) => (
        <button key={name} type="button" onClick={onClick}>{`${name} ${label}`}</button>
      ))}
    </section>
  )
}

export const text = (id: string) => screen.getByTestId(id).textContent
export const status = (label = 'server') => text(`${label}-status`)
export const click = (name: string) => fireEvent.click(screen.getByRole('button', { name }))

export function renderWith(auth: McpAuth, ui: ReactNode, client = new QueryClient()) {
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <McpAuthProvider auth={auth}>{ui}</McpAuthProvider>
      </QueryClientProvider>,
    ),
  }
}
