import {
  type AuthorizationDriver,
  createMcpAuth,
  type DriverSession,
  type InteractiveDriver,
  type McpAuth,
  memoryStorage,
} from '@mcp-oauth/core'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { StrictMode, useState } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { createWorld, type World } from '../../core/src/test-support/world.js'
import { McpAuthProvider } from './context.js'
import { useMcpAuth } from './useMcpAuth.js'
import { useMcpServers } from './useMcpServers.js'

const mock = setupServer()
beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  cleanup()
  mock.resetHandlers()
})
afterAll(() => mock.close())

function makeAuth(world: World, driver?: AuthorizationDriver | InteractiveDriver): McpAuth {
  mock.use(...world.handlers)
  return createMcpAuth({
    redirectUri: 'https://app.example/cb',
    storage: memoryStorage(),
    driver: driver ?? world.driver(),
  })
}

/** A minimal UI over the hook: status, error, and buttons for each action. */
function Server({ url, label = 'server' }: { url: string; label?: string }) {
  const mcp = useMcpAuth(url)
  const [result, setResult] = useState('')
  const call = (tool: string) =>
    mcp
      .fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: tool },
        }),
      })
      .then((r) => setResult(String(r.status)))
  return (
    <section aria-label={label}>
      <output data-testid={`${label}-status`}>{mcp.status}</output>
      <output data-testid={`${label}-error`}>{mcp.error?.code ?? ''}</output>
      <output data-testid={`${label}-result`}>{result}</output>
      <button type="button" onClick={() => mcp.authorize().catch(() => {})}>
        {`authorize ${label}`}
      </button>
      <button type="button" onClick={() => call('echo')}>{`echo ${label}`}</button>
      <button type="button" onClick={() => call('admin')}>{`admin ${label}`}</button>
      <button type="button" onClick={() => mcp.disconnect()}>{`disconnect ${label}`}</button>
    </section>
  )
}

/** Switches from one server URL to another on a click. */
function Switcher({ from, to }: { from: string; to: string }) {
  const [url, setUrl] = useState(from)
  return (
    <>
      <button type="button" onClick={() => setUrl(to)}>
        switch
      </button>
      <Server url={url} />
    </>
  )
}

/** Hands every render's hook result to the test. */
function Probe({ url, onRender }: { url: string; onRender: (mcp: unknown) => void }) {
  const mcp = useMcpAuth(url)
  onRender(mcp)
  return (
    <button type="button" onClick={() => mcp.authorize()}>
      go
    </button>
  )
}

function List() {
  const servers = useMcpServers()
  return (
    <ul>
      {servers.map((s) => (
        <li key={s.url}>{`${s.url} ${s.snapshot.status}`}</li>
      ))}
    </ul>
  )
}

const status = (label = 'server') => screen.getByTestId(`${label}-status`).textContent
const click = (name: string) => fireEvent.click(screen.getByRole('button', { name }))

function renderWith(auth: McpAuth, ui: React.ReactNode, client = new QueryClient()) {
  return render(
    <QueryClientProvider client={client}>
      <McpAuthProvider auth={auth}>{ui}</McpAuthProvider>
    </QueryClientProvider>,
  )
}

describe('useMcpAuth', () => {
  test('probes once, renders each status, authorizes, calls, steps up and disconnects', async () => {
    const world = createWorld()
    const auth = makeAuth(world)
    renderWith(auth, <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))

    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))

    click('echo server')
    await waitFor(() => expect(screen.getByTestId('server-result').textContent).toBe('200'))

    click('admin server')
    await waitFor(() => expect(status()).toBe('needs-step-up'))
    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))
    click('admin server')
    await waitFor(() => expect(world.hits(world.options.resource, 'POST').at(-1)).toBeDefined())

    click('disconnect server')
    await waitFor(() => expect(status()).toBe('disconnected'))
    expect(world.revoked.length).toBeGreaterThan(0)
  })

  test('errors reach the snapshot with their code', async () => {
    const world = createWorld({ as: { code_challenge_methods_supported: ['plain'] } })
    renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('error'))
    expect(screen.getByTestId('server-error').textContent).toBe('pkce_not_supported')
  })

  test('needs-client-id and needs-token render', async () => {
    const noRegistration = createWorld({ as: { registration_endpoint: undefined } })
    const { unmount } = renderWith(
      makeAuth(noRegistration),
      <Server url={noRegistration.options.resource} />,
    )
    await waitFor(() => expect(status()).toBe('needs-client-id'))
    unmount()
    mock.resetHandlers()
    const tokenOnly = createWorld({ challenge: 'Bearer realm="x"', prm: null, as: null })
    renderWith(makeAuth(tokenOnly), <Server url={tokenOnly.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-token'))
  })

  test('authorize() reaches the driver synchronously, inside the click', async () => {
    const world = createWorld()
    const calls: string[] = []
    const driver: InteractiveDriver = {
      begin(): DriverSession {
        calls.push('begin')
        return { navigate: world.driver(), close() {} }
      },
    }
    renderWith(makeAuth(world, driver), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    click('authorize server')
    // No await between the click and this line: the window must already be open.
    expect(calls).toEqual(['begin'])
    await waitFor(() => expect(status()).toBe('authorized'))
  })

  test('StrictMode: one probe and one window per click', async () => {
    const world = createWorld()
    const begin = vi.fn((): DriverSession => ({ navigate: world.driver(), close() {} }))
    const auth = makeAuth(world, { begin })
    render(
      <StrictMode>
        <McpAuthProvider auth={auth}>
          <Server url={world.options.resource} />
        </McpAuthProvider>
      </StrictMode>,
    )
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(world.hits(world.options.resource, 'POST')).toHaveLength(1)
    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))
    expect(begin).toHaveBeenCalledTimes(1)
  })

  test('a slow probe for an old URL never labels the new URL', async () => {
    const slow = createWorld({ resource: 'https://slow.example.com/mcp' })
    const fast = createWorld({
      resource: 'https://fast.example.com/mcp',
      challenge: null,
      prm: null,
      as: null,
    })
    mock.use(...slow.handlers, ...fast.handlers)
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const auth = createMcpAuth({
      redirectUri: 'https://app.example/cb',
      storage: memoryStorage(),
      driver: slow.driver(),
      fetch: async (input, init) => {
        if (String(input instanceof Request ? input.url : input).startsWith('https://slow.'))
          await gate
        return fetch(input, init)
      },
    })
    renderWith(auth, <Switcher from={slow.options.resource} to={fast.options.resource} />)
    expect(status()).toBe('probing')
    click('switch')
    await waitFor(() => expect(status()).toBe('needs-token'))
    release()
    await waitFor(() =>
      expect(auth.server(slow.options.resource).getSnapshot().status).toBe('needs-authorization'),
    )
    expect(status()).toBe('needs-token')
  })

  test('two hooks on two servers authorize at the same time without crossing', async () => {
    const a = createWorld({
      resource: 'https://a.example.com/mcp',
      issuer: 'https://as-a.example.com',
    })
    const b = createWorld({
      resource: 'https://b.example.com/mcp',
      issuer: 'https://as-b.example.com',
    })
    mock.use(...a.handlers, ...b.handlers)
    const auth = createMcpAuth({
      redirectUri: 'https://app.example/cb',
      storage: memoryStorage(),
      driver: async (request) => {
        const owner = new URL(request.url).origin === 'https://as-a.example.com' ? a : b
        await new Promise((resolve) => setTimeout(resolve, owner === a ? 30 : 5))
        return owner.driver()(request)
      },
    })
    renderWith(
      auth,
      <>
        <Server url={a.options.resource} label="a" />
        <Server url={b.options.resource} label="b" />
      </>,
    )
    await waitFor(() =>
      expect([status('a'), status('b')]).toEqual(['needs-authorization', 'needs-authorization']),
    )
    click('authorize a')
    click('authorize b')
    await waitFor(() => expect([status('a'), status('b')]).toEqual(['authorized', 'authorized']))
    expect(auth.server(a.options.resource).getSnapshot().issuer).toBe('https://as-a.example.com')
    expect(auth.server(b.options.resource).getSnapshot().issuer).toBe('https://as-b.example.com')
    expect(a.grants('authorization_code')).toHaveLength(1)
    expect(b.grants('authorization_code')).toHaveLength(1)
  })

  test('unmounting mid-flow leaks nothing and warns about nothing', async () => {
    const world = createWorld()
    let finish: (url: string) => void = () => {}
    const auth = makeAuth(world, async (request) => {
      const url = await world.driver()(request)
      return new Promise<string>((resolve) => {
        finish = () => resolve(url)
      })
    })
    const errors = vi.spyOn(console, 'error')
    const handle = auth.server(world.options.resource)
    let active = 0
    const subscribe = handle.subscribe
    handle.subscribe = (listener) => {
      active++
      const off = subscribe(listener)
      return () => {
        active--
        off()
      }
    }
    const { unmount } = renderWith(auth, <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(active).toBeGreaterThan(0)
    click('authorize server')
    await waitFor(() => expect(handle.getSnapshot().status).toBe('authorizing'))
    unmount()
    expect(active).toBe(0)
    await act(async () => finish(''))
    await waitFor(() => expect(handle.getSnapshot().status).toBe('authorized'))
    expect(errors).not.toHaveBeenCalled()
    errors.mockRestore()
  })

  test('tokens never enter what the hook returns', async () => {
    const world = createWorld()
    const auth = makeAuth(world)
    let latest: unknown
    renderWith(
      auth,
      <Probe
        url={world.options.resource}
        onRender={(mcp) => {
          latest = mcp
        }}
      />,
    )
    await waitFor(() => expect((latest as { status: string }).status).toBe('needs-authorization'))
    click('go')
    await waitFor(() => expect((latest as { status: string }).status).toBe('authorized'))
    const token = await auth.server(world.options.resource).getAccessToken()
    expect(JSON.stringify(latest)).not.toContain(token)
  })
})

describe('useMcpServers', () => {
  test('lists stored servers after a reload, and servers added later', async () => {
    const world = createWorld()
    mock.use(...world.handlers)
    const storage = memoryStorage()
    const first = createMcpAuth({
      redirectUri: 'https://app.example/cb',
      storage,
      driver: world.driver(),
    })
    await first.server(world.options.resource).authorize()
    const reloaded = createMcpAuth({
      redirectUri: 'https://app.example/cb',
      storage,
      driver: world.driver(),
    })
    renderWith(reloaded, <List />)
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1))
    expect(screen.getByRole('listitem').textContent).toContain(world.options.resource)
    act(() => {
      reloaded.server('https://other.example.com/mcp')
    })
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(2))
  })
})
