import {
  createMcpAuth,
  type DriverSession,
  type InteractiveDriver,
  type McpServerSnapshot,
  memoryStorage,
} from '@mcp-oauth/core'
import { MutationObserver, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, render, renderHook, waitFor } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import { StrictMode, useState } from 'react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { McpAuthProvider } from './context.js'
import {
  click,
  createWorld,
  makeAuth,
  mock,
  REDIRECT,
  renderWith,
  Server,
  setupMsw,
  status,
  text,
  waitingDriver,
} from './test-support/harness.js'
import type { UseMcpAuthResult } from './types.js'
import { useMcpAuth } from './useMcpAuth.js'

setupMsw()
afterEach(cleanup)

const error = (label = 'server') => text(`${label}-error`)
const result = (label = 'server') => text(`${label}-result`)

describe('each status renders', () => {
  test('unknown: probing is off', () => {
    const world = createWorld()
    renderWith(makeAuth(world), <Server url={world.options.resource} options={{ probe: false }} />)
    expect(status()).toBe('unknown')
    expect(world.requests).toHaveLength(0)
  })

  test('probing, then needs-authorization', async () => {
    const world = createWorld()
    renderWith(makeAuth(world), <Server url={world.options.resource} />)
    expect(status()).toBe('probing')
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(text('server-seen')).toBe('unknown probing needs-authorization')
  })

  test('open', async () => {
    const url = 'https://open.example.com/mcp'
    mock.use(http.post(url, () => HttpResponse.json({ jsonrpc: '2.0', id: 1, result: {} })))
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage() })
    renderWith(auth, <Server url={url} />)
    await waitFor(() => expect(status()).toBe('open'))
  })

  test('needs-client-id, then a typed client ID authorizes', async () => {
    const world = createWorld({ as: { registration_endpoint: undefined } })
    renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-client-id'))
    click('client id server')
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))
    expect(world.navigations()[0]?.searchParams.get('client_id')).toBe('typed-client')
  })

  test('needs-token, then a static token authorizes', async () => {
    const world = createWorld({ challenge: 'Bearer realm="x"', prm: null, as: null })
    renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-token'))
    click('token server')
    await waitFor(() => expect(status()).toBe('authorized'))
  })

  test('authorizing, then cancelled through cancel()', async () => {
    const world = createWorld()
    renderWith(makeAuth(world, waitingDriver), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorizing'))
    expect(text('server-busy')).toBe('authorizing')
    click('cancel server')
    await waitFor(() => expect(status()).toBe('cancelled'))
    expect(error()).toBe('cancelled')
    await waitFor(() => expect(result()).toBe('rejected cancelled'))
    expect(text('server-busy')).toBe('')
  })

  test('cancelled: the user denied at the authorization server', async () => {
    const world = createWorld()
    renderWith(
      makeAuth(world, world.driver({ error: 'access_denied' })),
      <Server url={world.options.resource} />,
    )
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    click('authorize server')
    await waitFor(() => expect(status()).toBe('cancelled'))
    expect(error()).toBe('access_denied')
  })

  test('authorized, refreshing, needs-step-up, authorized again, disconnected', async () => {
    const world = createWorld({ accessTokenTtl: 30 }) // inside the 60 s skew: always refreshes
    renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))

    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))

    // refresh: a call with an expiring token refreshes first, visibly
    world.options.tokenDelay = 100
    click('echo server')
    await waitFor(() => expect(status()).toBe('refreshing'))
    world.options.accessTokenTtl = 3600 // the refreshed token lasts
    await waitFor(() => expect(result()).toBe('200'))
    expect(status()).toBe('authorized')
    expect(world.grants('refresh_token')).toHaveLength(1)
    world.options.tokenDelay = 0

    // step-up: 403 insufficient_scope, then authorize() asks for the extra scope
    click('admin server')
    await waitFor(() => expect(status()).toBe('needs-step-up'))
    // The status changes as the answer arrives; the call resolves with it right after.
    await waitFor(() => expect(result()).toBe('403'))
    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))
    expect(world.navigations().at(-1)?.searchParams.get('scope')).toContain('admin')
    click('admin server')
    await waitFor(() => expect(result()).toBe('ok'))
    click('admin server')
    await waitFor(() => expect(result()).toBe('200'))

    // disconnect: a mutation that revokes, then forgets
    const revokedBefore = world.revoked.length
    click('disconnect server')
    await waitFor(() => expect(status()).toBe('disconnected'))
    // The status changes at once; the revocation requests follow.
    await waitFor(() => expect(world.revoked.length).toBeGreaterThan(revokedBefore))
    expect(text('server-seen')).toBe(
      'unknown probing needs-authorization authorizing authorized refreshing authorized ' +
        'needs-step-up authorizing authorized disconnected',
    )
  })

  test('error: each failure reaches the snapshot with its code', async () => {
    const world = createWorld({ as: { code_challenge_methods_supported: ['plain'] } })
    renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('error'))
    expect(error()).toBe('pkce_not_supported')
  })
})

describe('errors', () => {
  test('a mix-up (wrong iss) fails the authorization with iss_mismatch', async () => {
    const world = createWorld()
    renderWith(
      makeAuth(world, world.driver({ iss: 'https://evil.example.com' })),
      <Server url={world.options.resource} />,
    )
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    click('authorize server')
    await waitFor(() => expect(status()).toBe('error'))
    expect(error()).toBe('iss_mismatch')
    await waitFor(() => expect(result()).toBe('rejected iss_mismatch'))
  })

  test('retry() probes again through the query and clears the error', async () => {
    const world = createWorld({ as: { code_challenge_methods_supported: ['plain'] } })
    const { client } = renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('error'))
    world.options.as = {}
    click('retry server')
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(error()).toBe('')
    const cached = client.getQueryData<McpServerSnapshot>([
      'mcp-auth',
      world.options.resource,
      'probe',
    ])
    expect(cached?.status).toBe('needs-authorization')
  })

  test('an invalid URL renders error and every action rejects with the same code', async () => {
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage() })
    renderWith(auth, <Server url="http://remote.example.com/mcp" />)
    expect(status()).toBe('error')
    expect(error()).toBe('insecure_url')
    click('authorize server')
    await waitFor(() => expect(result()).toBe('rejected insecure_url'))
    expect(auth.servers()).toHaveLength(0)
  })

  test('no URL yet: unknown, no request, actions reject', async () => {
    const auth = createMcpAuth({ redirectUri: REDIRECT, storage: memoryStorage() })
    renderWith(auth, <Server url={undefined} />)
    expect(status()).toBe('unknown')
    click('echo server')
    await waitFor(() => expect(result()).toBe('rejected invalid_configuration'))
  })

  test('without any core instance the hook says how to provide one', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderHook(() => useMcpAuth('https://mcp.example.com/mcp'))).toThrow(
      /McpAuthProvider/,
    )
    vi.restoreAllMocks()
  })
})

describe('the popup opens inside the click', () => {
  test('authorize() reaches the driver synchronously', async () => {
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

  test('why authorize() does not go through mutateAsync: TanStack awaits before mutationFn', async () => {
    // If this ever fails, TanStack runs mutationFn synchronously and authorize() could use it.
    const calls: string[] = []
    const observer = new MutationObserver(new QueryClient(), {
      mutationFn: async () => {
        calls.push('mutationFn')
      },
    })
    const done = observer.mutate()
    calls.push('returned')
    await done
    expect(calls).toEqual(['returned', 'mutationFn'])
  })
})

describe('StrictMode', () => {
  test('one probe and one window per click', async () => {
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
    expect(world.hits('/.well-known/oauth-protected-resource')).toHaveLength(1)
    click('authorize server')
    await waitFor(() => expect(status()).toBe('authorized'))
    expect(begin).toHaveBeenCalledTimes(1)
    expect(world.grants('authorization_code')).toHaveLength(1)
  })

  test('two components on one server share one probe', async () => {
    const world = createWorld()
    renderWith(
      makeAuth(world),
      <StrictMode>
        <Server url={world.options.resource} label="one" />
        <Server url={world.options.resource} label="two" />
      </StrictMode>,
    )
    await waitFor(() =>
      expect([status('one'), status('two')]).toEqual([
        'needs-authorization',
        'needs-authorization',
      ]),
    )
    expect(world.hits(world.options.resource, 'POST')).toHaveLength(1)
  })
})

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
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    driver: slow.driver(),
    fetch: async (input, init) => {
      if (String(input instanceof Request ? input.url : input).startsWith('https://slow.'))
        await gate
      return fetch(input, init)
    },
  })
  const { client } = renderWith(
    auth,
    <Switcher from={slow.options.resource} to={fast.options.resource} />,
  )
  expect(status()).toBe('probing')
  click('switch')
  await waitFor(() => expect(status()).toBe('needs-token'))
  release()
  await waitFor(() =>
    expect(auth.server(slow.options.resource).getSnapshot().status).toBe('needs-authorization'),
  )
  // The old probe finished, into the old URL's entry; the new URL's state is untouched.
  await waitFor(() =>
    expect(
      client.getQueryData<McpServerSnapshot>(['mcp-auth', slow.options.resource, 'probe'])?.status,
    ).toBe('needs-authorization'),
  )
  expect(status()).toBe('needs-token')
  expect(text('server-seen')).toBe('unknown probing unknown probing needs-token')
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
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    // a's window answers after b's, though it opened first
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
  expect([status('a'), status('b')]).not.toContain('authorized')
  await waitFor(() => expect([status('a'), status('b')]).toEqual(['authorized', 'authorized']))
  expect(auth.server(a.options.resource).getSnapshot().issuer).toBe('https://as-a.example.com')
  expect(auth.server(b.options.resource).getSnapshot().issuer).toBe('https://as-b.example.com')
  expect(a.grants('authorization_code')).toHaveLength(1)
  expect(b.grants('authorization_code')).toHaveLength(1)
  // Each server accepts only its own AS's tokens: a crossed token would get a 401.
  click('echo a')
  click('echo b')
  await waitFor(() => expect([result('a'), result('b')]).toEqual(['200', '200']))
})

test('unmounting mid-flow leaks nothing and warns about nothing', async () => {
  const world = createWorld()
  let finish: () => void = () => {}
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
  const { unmount, client } = renderWith(auth, <Server url={world.options.resource} />)
  await waitFor(() => expect(status()).toBe('needs-authorization'))
  expect(active).toBeGreaterThan(0)
  click('authorize server')
  await waitFor(() => expect(handle.getSnapshot().status).toBe('authorizing'))
  unmount()
  expect(active).toBe(0)
  const probe = client.getQueryCache().find({
    queryKey: ['mcp-auth', world.options.resource],
    exact: false,
  })
  expect(probe?.getObserversCount()).toBe(0)
  await act(async () => finish())
  await waitFor(() => expect(handle.getSnapshot().status).toBe('authorized'))
  expect(errors).not.toHaveBeenCalled()
  errors.mockRestore()
})

/** Hands every render's hook result to the test. */
function Spy({ url, onRender }: { url: string; onRender: (mcp: UseMcpAuthResult) => void }) {
  onRender(useMcpAuth(url))
  return null
}

test('tokens never enter what the hook returns', async () => {
  const world = createWorld()
  const auth = makeAuth(world)
  let latest: UseMcpAuthResult | undefined
  renderWith(
    auth,
    <Spy
      url={world.options.resource}
      onRender={(mcp) => {
        latest = mcp
      }}
    />,
  )
  await waitFor(() => expect(latest?.status).toBe('needs-authorization'))
  await act(() => latest?.authorize())
  expect(latest?.status).toBe('authorized')
  const token = await auth.server(world.options.resource).getAccessToken()
  expect(JSON.stringify(latest)).not.toContain(token)
  expect(Object.values(latest ?? {})).not.toContain(token)
})

test('the probe query data follows the snapshot: never probing after an authorization', async () => {
  const world = createWorld()
  let latest: UseMcpAuthResult | undefined
  const { client } = renderWith(
    makeAuth(world),
    <Spy
      url={world.options.resource}
      onRender={(mcp) => {
        latest = mcp
      }}
    />,
  )
  const probeData = () =>
    client.getQueryData<McpServerSnapshot>(['mcp-auth', world.options.resource, 'probe'])?.status
  await waitFor(() => expect(probeData()).toBe('needs-authorization'))
  await act(() => latest?.authorize())
  expect(latest?.status).toBe('authorized')
  expect(probeData()).toBe('authorized')
  await act(() => latest?.disconnect())
  expect(probeData()).toBe('disconnected')
})

describe('instances', () => {
  test("probes go into the app's QueryClient when there is one", async () => {
    const world = createWorld()
    const { client } = renderWith(makeAuth(world), <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(client.getQueryCache().find({ queryKey: ['mcp-auth'], exact: false })?.queryKey).toEqual(
      ['mcp-auth', world.options.resource, 'probe'],
    )
  })

  test('explicit auth and queryClient options win over the provider', async () => {
    const world = createWorld()
    const provided = makeAuth(world)
    const explicit = makeAuth(world)
    const client = new QueryClient()
    render(
      <McpAuthProvider auth={provided}>
        <Server url={world.options.resource} options={{ auth: explicit, queryClient: client }} />
      </McpAuthProvider>,
    )
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(provided.servers()).toHaveLength(0)
    expect(explicit.servers()).toHaveLength(1)
    expect(client.getQueryCache().getAll()).toHaveLength(1)
  })

  test('an explicit auth works with no provider at all', async () => {
    const world = createWorld()
    const auth = makeAuth(world)
    render(<Server url={world.options.resource} options={{ auth }} />)
    await waitFor(() => expect(status()).toBe('needs-authorization'))
  })

  test('an explicit auth under a plain QueryClientProvider uses that client', async () => {
    const world = createWorld()
    const client = new QueryClient()
    render(
      <QueryClientProvider client={client}>
        <Server url={world.options.resource} options={{ auth: makeAuth(world) }} />
      </QueryClientProvider>,
    )
    await waitFor(() => expect(status()).toBe('needs-authorization'))
    expect(client.getQueryCache().getAll()).toHaveLength(1)
  })
})

test('one subscription to the handle per hook: the snapshot and the probe data share it', async () => {
  const world = createWorld()
  const auth = makeAuth(world)
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
  expect(active).toBe(1)
  unmount()
  expect(active).toBe(0)
})

describe.each([
  ['rejects', false],
  ['resolves with the error in the snapshot', true],
])('a failed probe that %s', (_, resolves) => {
  test('the hook reads the error from the snapshot; the probe query holds that snapshot', async () => {
    const world = createWorld({ as: { code_challenge_methods_supported: ['plain'] } })
    const auth = makeAuth(world)
    const handle = auth.server(world.options.resource)
    if (resolves) {
      const probe = handle.probe
      handle.probe = () => probe().catch(() => handle.getSnapshot())
    }
    const { client } = renderWith(auth, <Server url={world.options.resource} />)
    await waitFor(() => expect(status()).toBe('error'))
    expect(error()).toBe('pkce_not_supported')
    const query = client
      .getQueryCache()
      .find({ queryKey: ['mcp-auth', world.options.resource, 'probe'] })
    await waitFor(() => expect(query?.state.status).toBe('success'))
    const data = query?.state.data as McpServerSnapshot | undefined
    expect(data?.error?.code).toBe('pkce_not_supported')
  })
})
