import { createWorld, deferred, useMockServer } from '@mcp-oauth/test-world'
import { describe, expect, test } from 'vitest'
import type { AuthorizationDriver } from '../contracts/driver.js'
import type { McpServerSnapshot, PopupState } from '../contracts/snapshot.js'
import { setupWorld } from '../test-support/harness.js'

const mock = useMockServer()

describe('the snapshot says whether the authorization popup is open', () => {
  test('open once navigated, closed when the window reports closed, gone once the flow ends', async () => {
    const w = createWorld()
    const closed = deferred()
    let report: ((state: PopupState) => void) | undefined
    const answer = w.driver()
    // A driver with a window: reports it open, then closed, and the callback still arrives
    // (a popup under Cross-Origin-Opener-Policy reports closed while the user signs in).
    const driver: AuthorizationDriver = async (request) => {
      report = request.onPopup
      request.onPopup?.('open')
      await closed.promise
      return answer(request)
    }
    const { handle } = setupWorld(mock, w, { auth: { driver } })
    const seen: McpServerSnapshot[] = []
    handle.subscribe((snapshot) => seen.push(snapshot))
    await handle.probe()
    const flow = handle.authorize()
    while (handle.getSnapshot().popup !== 'open') await new Promise((r) => setTimeout(r, 1))
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorizing', popup: 'open' })
    report?.('closed')
    expect(handle.getSnapshot()).toMatchObject({ status: 'authorizing', popup: 'closed' })
    closed.resolve()
    const done = await flow
    expect(done.status).toBe('authorized')
    expect(done.popup).toBeUndefined()
    expect(seen.filter((s) => s.popup).map((s) => [s.status, s.popup])).toEqual([
      ['authorizing', 'open'],
      ['authorizing', 'closed'],
    ])
  })

  test('a report from a flow that was cancelled changes nothing', async () => {
    const w = createWorld()
    let report: ((state: PopupState) => void) | undefined
    const driver: AuthorizationDriver = (request) => {
      report = request.onPopup
      request.onPopup?.('open')
      return new Promise((_, reject) => {
        request.signal.addEventListener('abort', () => reject(new Error('window closed')))
      })
    }
    const { handle } = setupWorld(mock, w, { auth: { driver } })
    await handle.probe()
    const flow = handle.authorize().catch((error: unknown) => error)
    while (!report) await new Promise((r) => setTimeout(r, 1))
    handle.cancel()
    await flow
    report('closed')
    expect(handle.getSnapshot().status).toBe('cancelled')
    expect(handle.getSnapshot().popup).toBeUndefined()
  })

  test('a headless driver that reports nothing leaves no popup state', async () => {
    const w = createWorld()
    const { handle } = setupWorld(mock, w)
    await handle.probe()
    const seen: McpServerSnapshot[] = []
    handle.subscribe((snapshot) => seen.push(snapshot))
    await handle.authorize()
    expect(seen.some((s) => s.popup !== undefined)).toBe(false)
  })
})
