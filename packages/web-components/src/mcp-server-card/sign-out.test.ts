import { McpAuthError, type RevocationReport } from '@mcp-oauth/core'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { defineMcpElements } from '../index.js'
import { fakeHandle, mount, part } from '../test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => {
  document.body.replaceChildren()
  vi.useRealTimers()
})

const note = (card: HTMLElement) => part(card, '[part~="message"]')
const live = (card: HTMLElement) => part(card, '[role="status"]').textContent

/**
 * A card that was authorized, then disconnected with this report from the core. The words for
 * a report load with the first one (a page that never signs out never loads them).
 */
async function signedOut(revocation?: RevocationReport) {
  const fake = fakeHandle({ status: 'authorized' })
  const card = mount('mcp-server-card', fake)
  fake.set({ status: 'disconnected', ...(revocation ? { revocation } : {}) })
  if (revocation) await vi.waitFor(() => expect(note(card).hidden).toBe(false))
  return { card, fake }
}

const in12min = () => Date.now() + 12 * 60_000

describe('<mcp-server-card> says what the server did on disconnect', () => {
  test('revoked', async () => {
    const { card } = await signedOut({ accessToken: 'revoked', refreshToken: 'revoked' })
    expect(note(card).textContent).toBe('Signed out. Access was revoked.')
    expect(note(card).hidden).toBe(false)
    expect(live(card)).toBe('Disconnected. Signed out. Access was revoked.')
  })

  test('not supported: the access token ends in 12 min, counted down live', async () => {
    vi.useFakeTimers()
    const { card } = await signedOut({
      accessToken: 'unsupported',
      accessTokenExpiresAt: in12min(),
    })
    const text = note(card).firstChild
    expect(note(card).textContent).toBe(
      'Signed out here. This server does not support revoking access; it ends in 12 min.',
    )
    const said = live(card)
    expect(said).toBe(
      'Disconnected. Signed out here. This server does not support revoking access.',
    )
    vi.advanceTimersByTime(11.5 * 60_000)
    expect(note(card).textContent).toBe(
      'Signed out here. This server does not support revoking access; it ends in 30 s.',
    )
    expect(note(card).firstChild).toBe(text)
    expect(live(card)).toBe(said)
    vi.advanceTimersByTime(31_000)
    expect(note(card).textContent).toBe(
      'Signed out here. This server does not support revoking access.',
    )
    expect(vi.getTimerCount()).toBe(0)
  })

  test('failed: the server could not be reached', async () => {
    const { card } = await signedOut({
      accessToken: 'failed',
      refreshToken: 'failed',
      accessTokenExpiresAt: in12min(),
    })
    expect(note(card).textContent).toBe(
      'Signed out here. The server could not be reached to revoke access; it ends in 12 min.',
    )
  })

  test('access revoked but the refresh token could not be: signed out here, no countdown', async () => {
    const { card } = await signedOut({
      accessToken: 'revoked',
      refreshToken: 'failed',
      accessTokenExpiresAt: in12min(),
    })
    expect(note(card).textContent).toBe(
      'Signed out here. The server could not be reached to revoke access.',
    )
  })

  test('not supported and no known expiry', async () => {
    const { card } = await signedOut({ accessToken: 'unsupported' })
    expect(note(card).textContent).toBe(
      'Signed out here. This server does not support revoking access.',
    )
  })

  test('no report from the core: nothing is claimed', async () => {
    const { card } = await signedOut()
    expect(note(card).textContent).toBe('')
    expect(note(card).hidden).toBe(true)
  })

  test('the wording can be overridden', async () => {
    const { card } = await signedOut({
      accessToken: 'unsupported',
      accessTokenExpiresAt: in12min(),
    })
    card.strings = { notRevokedEndsIn: 'Déconnecté ici ; l’accès se termine dans {time}.' }
    expect(note(card).textContent).toBe('Déconnecté ici ; l’accès se termine dans 12 min.')
  })
})

describe('<mcp-server-card> tells the same story as <mcp-authorize>', () => {
  test.each([
    [new McpAuthError('access_denied', 'denied'), 'Access was denied.'],
    [undefined, 'Authorization was cancelled.'],
  ])('after a deny or a cancel', (error, expected) => {
    const fake = fakeHandle({ status: 'authorizing' })
    const card = mount('mcp-server-card', fake)
    const authorize = mount('mcp-authorize', fake)
    fake.set({ status: 'cancelled', ...(error ? { error } : {}) })
    expect(note(card).textContent).toBe(expected)
    expect(authorize.shadowRoot!.textContent).toContain(expected)
  })
})
