import {
  createMcpAuth,
  type DriverSession,
  type McpAuth,
  type McpServerSnapshot,
  type McpServerStatus,
  memoryStorage,
} from '@mcp-oauth/core'
import { McpAuthorizeElement, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { McpAuthProvider } from './context.js'
import { AuthorizeStep, ServerCard } from './elements.js'
import {
  createWorld,
  makeAuth,
  REDIRECT,
  renderWith,
  Server,
  setupMsw,
  status,
} from './test-support/harness.js'

setupMsw()
afterEach(() => {
  cleanup()
  setDefaultMcpAuth(undefined)
})

const URL_ = 'https://mcp.example.com/mcp'

/** An instance whose server is open, without any network: the elements probe on connect. */
const offline = () =>
  createMcpAuth({
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    driver: async () => '',
    fetch: async () => Response.json({ jsonrpc: '2.0', id: 1, result: {} }),
  })

type Element = HTMLElement & { auth?: unknown; strings: { authorize: string } }
const element = (container: HTMLElement, tag: string) => container.querySelector(tag) as Element

const shadowButton = (host: Element, label: string) =>
  [...(host.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent === label)

test('AuthorizeStep renders <mcp-authorize> with its attributes and the auth property', () => {
  const auth = offline()
  const { container, rerender } = render(
    <McpAuthProvider auth={auth}>
      <AuthorizeStep serverUrl={URL_} scope="read" mode="redirect" className="step" />
    </McpAuthProvider>,
  )
  const host = element(container, 'mcp-authorize')
  expect(customElements.get('mcp-authorize')).toBe(McpAuthorizeElement)
  expect(host.getAttribute('server-url')).toBe(URL_)
  expect(host.getAttribute('scope')).toBe('read')
  expect(host.getAttribute('mode')).toBe('redirect')
  expect(host.getAttribute('class')).toBe('step')
  expect(host.auth).toBe(auth)
  rerender(
    <McpAuthProvider auth={auth}>
      <AuthorizeStep serverUrl="https://other.example.com/mcp" serverName="Other" />
    </McpAuthProvider>,
  )
  expect(element(container, 'mcp-authorize')).toBe(host)
  expect(host.getAttribute('server-url')).toBe('https://other.example.com/mcp')
  expect(host.getAttribute('server-name')).toBe('Other')
  expect(host.hasAttribute('scope')).toBe(false)
})

test('callbacks receive the element events; onAuthorizeRequest can veto', async () => {
  const onAuthorized = vi.fn()
  const onError = vi.fn()
  const onStatusChange = vi.fn()
  const { container } = render(
    <McpAuthProvider auth={offline()}>
      <ServerCard
        serverUrl={URL_}
        onAuthorized={onAuthorized}
        onError={onError}
        onStatusChange={onStatusChange}
        onAuthorizeRequest={() => false}
      />
    </McpAuthProvider>,
  )
  const host = element(container, 'mcp-server-card')
  const fire = (type: string, detail: unknown, cancelable = false) =>
    host.dispatchEvent(new CustomEvent(type, { detail, cancelable }))
  fire('mcp-error', { code: 'timeout', message: 'Sign-in took too long.' })
  expect(onError).toHaveBeenCalledWith({ code: 'timeout', message: 'Sign-in took too long.' })
  await waitFor(() =>
    expect(onStatusChange).toHaveBeenCalledWith(expect.objectContaining({ status: 'open' })),
  )
  expect(fire('mcp-authorize-request', {}, true)).toBe(false)
})

test('onAuthorized only when authorizing became authorized; onRestored for stored tokens', async () => {
  const world = createWorld()
  const storage = memoryStorage()
  const options = { redirectUri: REDIRECT, storage, driver: world.driver() }
  makeAuth(world) // installs the world's handlers
  const first = createMcpAuth(options)
  const onAuthorized = vi.fn()
  const onRestored = vi.fn()
  const onStatusChange = vi.fn()
  const { container, unmount } = render(
    <McpAuthProvider auth={first}>
      <ServerCard
        serverUrl={world.options.resource}
        onAuthorized={onAuthorized}
        onRestored={onRestored}
        onStatusChange={(s) => onStatusChange(s.status)}
      />
    </McpAuthProvider>,
  )
  const host = element(container, 'mcp-server-card')
  await waitFor(() => expect(host.getAttribute('status')).toBe('needs-authorization'))
  await first.server(world.options.resource).authorize()
  await waitFor(() => expect(onAuthorized).toHaveBeenCalledTimes(1))
  expect(onRestored).not.toHaveBeenCalled()
  unmount()

  // A reload: a new instance over the same storage finds the tokens.
  const second = createMcpAuth(options)
  const later = { onAuthorized: vi.fn(), onRestored: vi.fn() }
  render(
    <McpAuthProvider auth={second}>
      <ServerCard serverUrl={world.options.resource} {...later} />
    </McpAuthProvider>,
  )
  await waitFor(() => expect(later.onRestored).toHaveBeenCalledTimes(1))
  expect(later.onRestored.mock.calls[0]?.[0].status).toBe('authorized')
  expect(later.onAuthorized).not.toHaveBeenCalled()
  expect(onStatusChange.mock.calls.map(([s]) => s)).toContain('authorizing')
})

test('the latest callbacks are called, and none after unmount', () => {
  const first = vi.fn()
  const second = vi.fn()
  const auth = offline()
  const { container, rerender, unmount } = render(
    <AuthorizeStep auth={auth} serverUrl={URL_} onError={first} />,
  )
  const host = element(container, 'mcp-authorize')
  rerender(<AuthorizeStep auth={auth} serverUrl={URL_} onError={second} />)
  const error = () => host.dispatchEvent(new CustomEvent('mcp-error', { detail: { code: 'x' } }))
  error()
  expect(first).not.toHaveBeenCalled()
  expect(second).toHaveBeenCalledTimes(1)
  unmount()
  error()
  expect(second).toHaveBeenCalledTimes(1)
})

test('strings go in as a property, and an equal inline object does not reset them', () => {
  const auth = offline()
  const { container, rerender } = render(
    <AuthorizeStep auth={auth} serverUrl={URL_} strings={{ authorize: 'Autoriser' }} />,
  )
  const host = element(container, 'mcp-authorize')
  expect(host.strings.authorize).toBe('Autoriser')
  const set = vi.spyOn(host, 'strings', 'set')
  rerender(<AuthorizeStep auth={auth} serverUrl={URL_} strings={{ authorize: 'Autoriser' }} />)
  expect(set).not.toHaveBeenCalled()
  rerender(
    <AuthorizeStep auth={auth} serverUrl={URL_} strings={{ errors: { timeout: 'Trop long' } }} />,
  )
  expect(set).toHaveBeenCalledTimes(1)
  expect(host.strings.authorize).toBe('Authorize')
})

test('without a provider the element keeps the page default from setDefaultMcpAuth()', () => {
  const auth = offline()
  setDefaultMcpAuth(auth)
  const { container } = render(<ServerCard serverUrl={URL_} />)
  expect(element(container, 'mcp-server-card').auth).toBe(auth)
})

test('a click on the element authorizes with the window opened inside the click (StrictMode)', async () => {
  const world = createWorld()
  const begin = vi.fn((): DriverSession => ({ navigate: world.driver(), close() {} }))
  const auth = makeAuth(world, { begin })
  const onAuthorized = vi.fn<(snapshot: McpServerSnapshot) => void>()
  const onAuthorizeRequest = vi.fn(() => undefined)
  const { container } = render(
    <StrictMode>
      <McpAuthProvider auth={auth}>
        <AuthorizeStep
          serverUrl={world.options.resource}
          onAuthorized={onAuthorized}
          onAuthorizeRequest={onAuthorizeRequest}
        />
      </McpAuthProvider>
    </StrictMode>,
  )
  const host = element(container, 'mcp-authorize')
  await waitFor(() => expect(shadowButton(host, 'Authorize')).toBeInstanceOf(HTMLButtonElement))
  shadowButton(host, 'Authorize')?.click()
  expect(onAuthorizeRequest).toHaveBeenCalledTimes(1)
  expect(begin).toHaveBeenCalledTimes(1)
  await waitFor(() => expect(onAuthorized).toHaveBeenCalledTimes(1))
  expect(onAuthorized.mock.calls[0]?.[0].status).toBe('authorized')
  expect(world.hits(world.options.resource, 'POST')).toHaveLength(1)
})

test('AuthorizeStep: a refused registration shows its reason over the client-ID form, with the app’s strings', async () => {
  const world = createWorld({ registration: 'invalid_redirect_uri' })
  const auth = makeAuth(world)
  const { container } = render(
    <McpAuthProvider auth={auth}>
      <AuthorizeStep
        serverUrl={world.options.resource}
        strings={{
          refusals: { invalid_redirect_uri: 'This server takes command-line apps only.' },
        }}
      />
    </McpAuthProvider>,
  )
  const host = element(container, 'mcp-authorize')
  await waitFor(() => expect(shadowButton(host, 'Authorize')).toBeDefined())
  shadowButton(host, 'Authorize')?.click()
  await waitFor(() =>
    expect(host.shadowRoot?.querySelector('[part="message"]')?.textContent).toBe(
      'This server takes command-line apps only.',
    ),
  )
  // The form loads on first use; it has one field, never a secret.
  const fields = () => [...(host.shadowRoot?.querySelectorAll('input') ?? [])].map((i) => i.name)
  await waitFor(() => expect(fields()).toEqual(['client-id']))
})

/** A core with one server whose snapshot the test moves through statuses. */
function movingServer(first: McpServerStatus) {
  let snapshot: McpServerSnapshot = { resource: URL_, status: first, scopes: [], storage: 'memory' }
  const listeners = new Set<(s: McpServerSnapshot) => void>()
  const handle = {
    url: URL_,
    getSnapshot: () => snapshot,
    subscribe(listener: (s: McpServerSnapshot) => void) {
      listeners.add(listener)
      listener(snapshot)
      return () => listeners.delete(listener)
    },
    probe: async () => snapshot,
  }
  const auth = { server: () => handle, servers: () => [handle] } as unknown as McpAuth
  const move = (status: McpServerStatus) => {
    snapshot = { ...snapshot, status }
    for (const listener of listeners) listener(snapshot)
  }
  return { auth, move }
}

// The same stories as the elements' own events test: one rule, from the core.
describe.each([
  ['AuthorizeStep', AuthorizeStep],
  ['ServerCard', ServerCard],
] as const)('%s: onAuthorized and onRestored mean what they say', (_, Component) => {
  test.each<[string, McpServerStatus[], string[]]>([
    [
      'an authorization finished',
      ['needs-authorization', 'authorizing', 'authorized'],
      ['authorized'],
    ],
    ['a typed token was accepted', ['needs-token', 'authorized'], ['authorized']],
    ['stored tokens restored by the probe', ['unknown', 'probing', 'authorized'], ['restored']],
    ['already authorized when attached', ['authorized'], ['restored']],
    ['a refresh', ['authorized', 'refreshing', 'authorized'], ['restored']],
    [
      'cancelled, then authorized',
      ['authorizing', 'cancelled', 'authorizing', 'authorized'],
      ['authorized'],
    ],
    ['a step-up granted', ['needs-step-up', 'authorizing', 'authorized'], ['authorized']],
    ['denied', ['needs-authorization', 'authorizing', 'cancelled'], []],
    ['another tab authorized', ['needs-authorization', 'authorized'], ['restored']],
    [
      'signed in again in another tab after a disconnect',
      ['authorized', 'disconnected', 'authorized'],
      ['restored', 'restored'],
    ],
    ['a failed probe, then another tab authorized', ['error', 'authorized'], ['restored']],
    ['a step-up granted in another tab', ['needs-step-up', 'authorized'], []],
  ])('%s', (_, path, expected) => {
    const { auth, move } = movingServer(path[0]!)
    const seen: string[] = []
    render(
      <Component
        auth={auth}
        serverUrl={URL_}
        onAuthorized={() => seen.push('authorized')}
        onRestored={() => seen.push('restored')}
      />,
    )
    for (const status of path.slice(1)) move(status)
    expect(seen).toEqual(expected)
  })
})

test('a typed token is an authorization the user just made: onAuthorized, not onRestored', async () => {
  const world = createWorld({ challenge: 'Bearer realm="x"', prm: null, as: null })
  const onAuthorized = vi.fn()
  const onRestored = vi.fn()
  const { container } = render(
    <AuthorizeStep
      auth={makeAuth(world)}
      serverUrl={world.options.resource}
      onAuthorized={onAuthorized}
      onRestored={onRestored}
    />,
  )
  const host = element(container, 'mcp-authorize')
  // The form shows once the element has loaded its forms.
  const input = () => host.shadowRoot!.querySelector<HTMLInputElement>('input[name="token"]')
  await waitFor(() => expect(input()).not.toBeNull())
  input()!.value = 'typed-token'
  host.shadowRoot!.querySelector('form')!.requestSubmit()
  await waitFor(() => expect(onAuthorized).toHaveBeenCalledTimes(1))
  expect(onRestored).not.toHaveBeenCalled()
})

test.each([
  'http://localhost:4000/mcp',
  'http://127.0.0.2:4000/mcp',
  'http://127.255.255.254:4000/mcp',
])('a loopback server is probed by the hook and by the elements alike: %s', async (url) => {
  const world = createWorld({ resource: url })
  const auth = makeAuth(world)
  const { container } = renderWith(
    auth,
    <>
      <Server url={url} />
      <AuthorizeStep serverUrl={url} />
      <ServerCard serverUrl={url} />
    </>,
  )
  await waitFor(() => expect(status()).toBe('needs-authorization'))
  for (const tag of ['mcp-authorize', 'mcp-server-card']) {
    await waitFor(() =>
      expect(element(container, tag).getAttribute('status')).toBe('needs-authorization'),
    )
  }
  // One probe, shared by the hook and both elements.
  expect(world.hits(url, 'POST')).toHaveLength(1)
})

test('after a disconnect, AuthorizeStep and ServerCard call the status by the same name', async () => {
  const world = createWorld()
  const auth = makeAuth(world)
  const { container } = render(
    <McpAuthProvider auth={auth}>
      <AuthorizeStep serverUrl={world.options.resource} />
      <ServerCard serverUrl={world.options.resource} />
    </McpAuthProvider>,
  )
  const step = element(container, 'mcp-authorize')
  const card = element(container, 'mcp-server-card')
  await waitFor(() => expect(step.getAttribute('status')).toBe('needs-authorization'))
  await act(() => auth.server(world.options.resource).authorize())
  await act(() => auth.server(world.options.resource).disconnect())
  expect(step.shadowRoot!.querySelector('[part~="status"]')!.textContent).toBe(
    'Disconnected from mcp.example.com.',
  )
  expect(card.shadowRoot!.querySelector('[part~="pill"]')!.textContent).toBe('Disconnected')
  expect(screen.queryByText('Needs authorization')).toBeNull()
})
