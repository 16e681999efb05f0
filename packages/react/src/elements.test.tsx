import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, expect, test, vi } from 'vitest'
import { McpAuthProvider } from './context.js'
import { AuthorizeStep, ServerCard } from './elements.js'

afterEach(cleanup)

const auth = createMcpAuth({
  redirectUri: 'https://app.example/cb',
  storage: memoryStorage(),
  driver: async () => '',
  // The elements probe when connected: an open server, without any network.
  fetch: async () => Response.json({ jsonrpc: '2.0', id: 1, result: {} }),
})

test('AuthorizeStep renders <mcp-authorize> with its attributes and the auth property', () => {
  const { container } = render(
    <McpAuthProvider auth={auth}>
      <AuthorizeStep serverUrl="https://mcp.example.com/mcp" scope="read" mode="redirect" />
    </McpAuthProvider>,
  )
  const element = container.querySelector('mcp-authorize') as HTMLElement & { auth?: unknown }
  expect(element.getAttribute('server-url')).toBe('https://mcp.example.com/mcp')
  expect(element.getAttribute('scope')).toBe('read')
  expect(element.getAttribute('mode')).toBe('redirect')
  expect(element.auth).toBe(auth)
  expect(customElements.get('mcp-authorize')).toBeDefined()
})

test('callbacks receive the element events; onAuthorizeRequest can veto', async () => {
  const onAuthorized = vi.fn()
  const onError = vi.fn()
  const onStatusChange = vi.fn()
  const { container } = render(
    <McpAuthProvider auth={auth}>
      <ServerCard
        serverUrl="https://mcp.example.com/mcp"
        onAuthorized={onAuthorized}
        onError={onError}
        onStatusChange={onStatusChange}
        onAuthorizeRequest={() => false}
      />
    </McpAuthProvider>,
  )
  const element = container.querySelector('mcp-server-card')!
  const fire = (type: string, detail: unknown, cancelable = false) =>
    element.dispatchEvent(new CustomEvent(type, { detail, cancelable }))
  fire('mcp-authorized', { status: 'authorized' })
  fire('mcp-error', { code: 'timeout', message: 'Sign-in took too long.' })
  expect(onAuthorized).toHaveBeenCalledWith({ status: 'authorized' })
  expect(onError).toHaveBeenCalledWith({ code: 'timeout', message: 'Sign-in took too long.' })
  await waitFor(() => expect(onStatusChange).toHaveBeenCalled())
  expect(fire('mcp-authorize-request', {}, true)).toBe(false)
})

test('strings are passed as a property', () => {
  const { container } = render(
    <McpAuthProvider auth={auth}>
      <AuthorizeStep serverUrl="https://mcp.example.com/mcp" strings={{ authorize: 'Autoriser' }} />
    </McpAuthProvider>,
  )
  const element = container.querySelector('mcp-authorize') as HTMLElement & {
    strings: { authorize: string }
  }
  expect(element.strings.authorize).toBe('Autoriser')
})
