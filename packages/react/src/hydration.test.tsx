import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { act, waitFor } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { expect, test, vi } from 'vitest'
import { McpAuthProvider } from './context.js'
import { createWorld, makeAuth, REDIRECT, Server, setupMsw } from './test-support/harness.js'

setupMsw()

test('server HTML hydrates without a mismatch, then the client probes', async () => {
  const world = createWorld()
  const onServer = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage() })
  const app = (auth: typeof onServer) => (
    <McpAuthProvider auth={auth}>
      <Server url={world.options.resource} />
    </McpAuthProvider>
  )
  const container = document.createElement('div')
  container.innerHTML = renderToString(app(onServer))
  document.body.append(container)
  expect(container.querySelector('output')?.textContent).toBe('unknown')

  const errors = vi.spyOn(console, 'error')
  const root = await act(async () => hydrateRoot(container, app(makeAuth(world))))
  await waitFor(() =>
    expect(container.querySelector('output')?.textContent).toBe('needs-authorization'),
  )
  expect(errors).not.toHaveBeenCalled()
  errors.mockRestore()
  act(() => root.unmount())
  container.remove()
})
