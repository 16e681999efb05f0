import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, expect, test, vi } from 'vitest'
import {
  createWorld,
  mock,
  REDIRECT,
  renderWith,
  Server,
  setupMsw,
  status,
} from './test-support/harness.js'
import { useMcpServers } from './useMcpServers.js'

setupMsw()
afterEach(cleanup)

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

/** A list, and a server that appears on a click. */
function Page({ url: later }: { url: string }) {
  const [url, setUrl] = useState<string>()
  return (
    <>
      <List />
      <button type="button" onClick={() => setUrl(later)}>
        add
      </button>
      {url && <Server url={url} />}
    </>
  )
}

const items = () => screen.queryAllByRole('listitem').map((li) => li.textContent)

test('lists stored servers after a reload, and servers added later, with live snapshots', async () => {
  const world = createWorld()
  mock.use(...world.handlers)
  const storage = memoryStorage()
  const options = { redirectUri: REDIRECT, storage, driver: world.driver() }
  await createMcpAuth(options).server(world.options.resource).authorize()

  const reloaded = createMcpAuth(options)
  renderWith(reloaded, <List />)
  await waitFor(() => expect(items()).toEqual([`${world.options.resource} unknown`]))
  // Snapshots are live: probing the restored server shows it authorized from storage.
  await act(() => reloaded.server(world.options.resource).probe())
  expect(items()).toEqual([`${world.options.resource} authorized`])
  act(() => {
    reloaded.server('https://other.example.com/mcp')
  })
  await waitFor(() => expect(items()).toHaveLength(2))
  expect(items()[1]).toBe('https://other.example.com/mcp unknown')
})

test('a server first seen by useMcpAuth while rendering joins the list without warnings', async () => {
  const world = createWorld()
  mock.use(...world.handlers)
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    driver: world.driver(),
  })
  const errors = vi.spyOn(console, 'error')
  const { unmount } = renderWith(auth, <Page url={world.options.resource} />)
  await waitFor(() => expect(items()).toEqual([]))
  // The handle is created during Server's render, while List is subscribed.
  fireEvent.click(screen.getByRole('button', { name: 'add' }))
  await waitFor(() => expect(status()).toBe('needs-authorization'))
  expect(items()).toEqual([`${world.options.resource} needs-authorization`])
  unmount()
  expect(errors).not.toHaveBeenCalled()
  errors.mockRestore()
})

test('unmounting releases every handle subscription', async () => {
  const auth = createMcpAuth({
    redirectUri: REDIRECT,
    storage: memoryStorage(),
    driver: async () => '',
  })
  const handle = auth.server('https://a.example.com/mcp')
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
  const { unmount } = renderWith(auth, <List />)
  await waitFor(() => expect(items()).toHaveLength(1))
  expect(active).toBeGreaterThan(0)
  unmount()
  expect(active).toBe(0)
  // A handle created after unmount notifies nobody.
  auth.server('https://b.example.com/mcp')
  await Promise.resolve()
})
