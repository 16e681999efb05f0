import { createWorld, deferred, useMockServer } from '@mcp-oauth/test-world'
import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

describe('the newest probe wins', () => {
  test('a slow probe that ends after a fast retry() does not overwrite its result', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const slow = deferred()
    let probes = 0
    mock.use(
      http.post(w.options.resource, async () => {
        probes += 1
        if (probes === 1) {
          // The first answer is held back, and says the server is open.
          await slow.promise
          return HttpResponse.json({ jsonrpc: '2.0', id: 'mcp-oauth-probe', result: {} })
        }
        return undefined
      }),
    )
    const first = handle.probe()
    while (probes < 1) await new Promise((resolve) => setTimeout(resolve, 1))
    const second = await handle.retry()
    expect(second.status).toBe('needs-authorization')
    slow.resolve()
    await first
    expect(handle.getSnapshot().status).toBe('needs-authorization')
  })

  test('a probe that ends after an authorization started does not take the status back', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    const slow = deferred()
    let probes = 0
    mock.use(
      http.post(w.options.resource, async ({ request }) => {
        if (request.headers.has('authorization')) return undefined
        probes += 1
        await slow.promise
        return undefined
      }),
    )
    const probing = handle.probe()
    while (probes < 1) await new Promise((resolve) => setTimeout(resolve, 1))
    expect((await handle.authorize()).status).toBe('authorized')
    slow.resolve()
    await probing
    expect(handle.getSnapshot().status).toBe('authorized')
  })
})
