import type { McpServerSnapshot, McpServerStatus } from '@mcp-oauth/core'
import { McpAuthError } from '@mcp-oauth/core'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { defineMcpElements, type McpAuthorizeElement, setDefaultMcpAuth } from './index.js'
import {
  buttons,
  click,
  fakeAuth,
  fakeHandle,
  formShown,
  mount,
  text,
} from './test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => {
  document.body.replaceChildren()
  setDefaultMcpAuth(undefined)
})

describe('<mcp-authorize>', () => {
  const views: Array<[McpServerStatus, Partial<McpServerSnapshot>, string, string[]]> = [
    ['probing', {}, 'Checking mcp.example.com…', []],
    ['open', {}, 'needs no authorization', []],
    ['needs-authorization', {}, 'You will sign in at auth.example.com.', ['Authorize']],
    ['authorizing', {}, 'Waiting for authorization…', ['Cancel', 'Open again']],
    [
      'authorizing',
      { popup: 'closed' },
      'The sign-in window was closed. Open it again, or cancel.',
      ['Cancel', 'Open again'],
    ],
    ['needs-client-id', {}, 'auth.example.com needs a client ID', ['Continue']],
    ...(
      [
        [
          'forbidden',
          'only accepts apps its owner has approved. Enter the client ID you were given.',
        ],
        ['initial_access_token_required', 'only accepts apps its owner has approved.'],
        ['unapproved_software_statement', 'only accepts apps its owner has approved.'],
        [
          'invalid_redirect_uri',
          'does not accept sign-ins for this app’s address. Enter the client ID',
        ],
        ['invalid_client_metadata', 'did not accept this app’s details. Enter the client ID'],
        ['a reason from a later version', 'only accepts apps its owner has approved.'],
      ] as const
    ).map(([reason, expected]): (typeof views)[number] => [
      'needs-client-id',
      { error: new McpAuthError('registration_refused', 'refused', { details: { reason } }) },
      expected,
      ['Continue'],
    ]),
    ['needs-token', {}, 'needs an access token', ['Connect']],
    [
      'needs-token',
      { error: new McpAuthError('invalid_token', 'refused') },
      'This token was refused. Enter another one.',
      ['Connect'],
    ],
    [
      'needs-step-up',
      { scopes: ['read'], stepUpScopes: ['read', 'admin'] },
      'more permissions: admin.',
      ['Authorize'],
    ],
    ['cancelled', {}, 'Authorization was cancelled.', ['Try again']],
    [
      'cancelled',
      { error: new McpAuthError('access_denied', 'denied') },
      'Access was denied.',
      ['Try again'],
    ],
    ['disconnected', {}, 'Disconnected from mcp.example.com.', ['Authorize']],
    ['authorized', {}, 'Connected to mcp.example.com.', []],
    ['error', { error: new McpAuthError('network_error', 'x') }, 'could not be reached', ['Retry']],
  ]
  test.each(views)('%s renders its own view', async (status, patch, expected, labels) => {
    const fake = fakeHandle({ status, ...patch })
    const element = mount('mcp-authorize', fake)
    if (status === 'needs-client-id' || status === 'needs-token') await formShown(element)
    expect(text(element)).toContain(expected)
    expect(buttons(element)).toEqual(labels)
    expect(element.getAttribute('status')).toBe(status)
  })

  test('an iss mismatch shows a security message, never the server text', () => {
    const error = new McpAuthError('iss_mismatch', '<img src=x onerror=alert(1)> from AS', {
      details: { description: 'Click here to fix' },
    })
    const element = mount('mcp-authorize', fakeHandle({ status: 'error', error }))
    expect(text(element)).toContain('For your safety')
    expect(text(element)).not.toContain('from AS')
    expect(element.shadowRoot?.querySelector('img')).toBeNull()
  })

  test('Authorize calls authorize() synchronously in the click, with scope and mode', () => {
    const fake = fakeHandle()
    const element = mount('mcp-authorize', fake)
    element.setAttribute('scope', 'read admin')
    element.setAttribute('mode', 'redirect')
    click(element, 'Authorize')
    expect(fake.calls).toEqual(['authorize {"scope":"read admin","mode":"redirect"}'])
  })

  test('mcp-authorize-request is cancelable and stops the authorization', () => {
    const fake = fakeHandle()
    const element = mount('mcp-authorize', fake)
    element.addEventListener('mcp-authorize-request', (event) => event.preventDefault())
    click(element, 'Authorize')
    expect(fake.handle.authorize).not.toHaveBeenCalled()
  })

  test('events: status changes, authorized and errors, bubbling out of the shadow root', () => {
    const fake = fakeHandle()
    const element = mount('mcp-authorize', fake)
    const seen: string[] = []
    const crossing: boolean[] = []
    document.body.addEventListener('mcp-status-change', (e) => {
      seen.push(`status ${e.detail.status}`)
      crossing.push(e.bubbles && e.composed)
    })
    document.body.addEventListener('mcp-authorized', () => seen.push('authorized'))
    document.body.addEventListener('mcp-error', (e) => seen.push(`error ${e.detail.code}`))
    fake.set({ status: 'authorizing' })
    fake.set({ status: 'authorized' })
    fake.set({ status: 'error', error: new McpAuthError('timeout', 'slow') })
    expect(seen).toEqual([
      'status authorizing',
      'status authorized',
      'authorized',
      'status error',
      'error timeout',
    ])
    // Composed as well: they also leave a shadow root the element itself sits in.
    expect(crossing).toEqual([true, true, true])
    expect(element.getAttribute('status')).toBe('error')
  })

  test('client ID form: an empty ID is refused inline; a typed one is submitted', async () => {
    const fake = fakeHandle({ status: 'needs-client-id' })
    const element = mount('mcp-authorize', fake)
    await formShown(element)
    const form = element.shadowRoot!.querySelector('form')!
    form.requestSubmit()
    expect(text(element)).toContain('Enter a client ID.')
    expect(fake.handle.submitClientId).not.toHaveBeenCalled()
    const input = element.shadowRoot!.querySelector<HTMLInputElement>('input[name="client-id"]')!
    input.value = '  my-client '
    element.shadowRoot!.querySelector('form')!.requestSubmit()
    expect(fake.handle.submitClientId).toHaveBeenCalledWith({ clientId: 'my-client' })
  })

  test('client ID form: one field, never a secret (a confidential client keeps it at the relay)', async () => {
    const refused = new McpAuthError('registration_refused', 'x', {
      details: { reason: 'forbidden' },
    })
    for (const error of [undefined, refused]) {
      const fake = fakeHandle({ status: 'needs-client-id', ...(error ? { error } : {}) })
      const element = mount('mcp-authorize', fake)
      await formShown(element)
      const fields = [...element.shadowRoot!.querySelectorAll('input')]
      expect(fields.map((field) => [field.name, field.type])).toEqual([['client-id', 'text']])
      fields[0]!.value = 'given-id'
      element.shadowRoot!.querySelector('form')!.requestSubmit()
      expect(fake.handle.submitClientId).toHaveBeenCalledWith({ clientId: 'given-id' })
      element.remove()
    }
  })

  test('the refusal texts are strings like the others: by reason, else errors.registration_refused', () => {
    const error = (reason: string) =>
      new McpAuthError('registration_refused', 'x', { details: { reason } })
    const fake = fakeHandle({ status: 'needs-client-id', error: error('invalid_redirect_uri') })
    const element = mount('mcp-authorize', fake)
    element.strings = {
      refusals: { invalid_redirect_uri: 'Only CLI apps here. Ask {issuer} for an ID.' },
      errors: { registration_refused: 'Ask the owner of {name} for a client ID.' },
    }
    expect(text(element)).toContain('Only CLI apps here. Ask auth.example.com for an ID.')
    fake.set({ error: error('invalid_client_metadata') })
    // A reason the app did not override keeps its own default text.
    expect(text(element)).toContain('did not accept this app’s details.')
    fake.set({ error: error('forbidden') })
    expect(text(element)).toContain('Ask the owner of mcp.example.com for a client ID.')
  })

  test('token form: masked, submitted, and cleared from the DOM', async () => {
    const fake = fakeHandle({ status: 'needs-token' })
    const element = mount('mcp-authorize', fake)
    await formShown(element)
    const input = element.shadowRoot!.querySelector<HTMLInputElement>('input[name="token"]')!
    expect(input.type).toBe('password')
    input.value = 'secret-token'
    element.shadowRoot!.querySelector('form')!.requestSubmit()
    expect(fake.handle.submitToken).toHaveBeenCalledWith('secret-token')
    expect(input.value).toBe('')
    expect(element.shadowRoot!.innerHTML).not.toContain('secret-token')
  })

  test('strings can be overridden for translation', () => {
    const element = mount('mcp-authorize', fakeHandle())
    element.strings = { authorize: 'Autoriser', errors: { default: 'Erreur' } }
    expect(buttons(element)).toEqual(['Autoriser'])
    expect(element.strings.errors.network_error).toContain('could not be reached')
  })

  test('the page-wide default auth is used when no auth property is set', () => {
    const fake = fakeHandle({ status: 'open' })
    const element = document.createElement('mcp-authorize') as McpAuthorizeElement
    element.setAttribute('server-url', 'https://mcp.example.com/mcp')
    document.body.append(element)
    expect(element.shadowRoot?.querySelector('[part~="container"]')).toBeNull()
    setDefaultMcpAuth(fakeAuth(fake))
    expect(text(element)).toContain('needs no authorization')
  })

  test('removing the element releases its subscription', () => {
    const fake = fakeHandle()
    const element = mount('mcp-authorize', fake)
    expect(fake.listenerCount()).toBe(1)
    element.remove()
    expect(fake.listenerCount()).toBe(0)
  })

  test('an unknown status starts a probe', () => {
    const fake = fakeHandle({ status: 'unknown' })
    mount('mcp-authorize', fake)
    expect(fake.handle.probe).toHaveBeenCalledTimes(1)
  })
})

describe("what a status is called: the card's pill and the authorize step say the same", () => {
  const denied = new McpAuthError('access_denied', 'denied')
  test.each<[McpServerStatus, string, string, Partial<McpServerSnapshot>]>([
    ['probing', 'Checking…', 'Checking mcp.example.com…', {}],
    ['open', 'Open', 'mcp.example.com is ready. It needs no authorization.', {}],
    ['needs-authorization', 'Needs authorization', 'mcp.example.com needs your permission.', {}],
    [
      'needs-client-id',
      'Needs a client ID',
      'auth.example.com needs a client ID for this app.',
      {},
    ],
    ['needs-token', 'Needs a token', 'mcp.example.com needs an access token.', {}],
    ['authorizing', 'Authorizing…', 'Waiting for authorization…', {}],
    ['authorized', 'Authorized', 'Connected to mcp.example.com.', {}],
    [
      'needs-step-up',
      'Needs more permissions',
      'mcp.example.com needs more permissions: admin.',
      { stepUpScopes: ['admin'] },
    ],
    ['cancelled', 'Cancelled', 'Authorization was cancelled.', {}],
    ['cancelled', 'Access denied', 'Access was denied.', { error: denied }],
    ['disconnected', 'Disconnected', 'Disconnected from mcp.example.com.', {}],
    ['error', 'Error', 'Sign-in took too long.', { error: new McpAuthError('timeout', 'x') }],
  ])('%s: the pill says "%s", the authorize step "%s"', (status, pill, sentence, patch) => {
    const card = mount('mcp-server-card', fakeHandle({ status, ...patch }))
    const step = mount('mcp-authorize', fakeHandle({ status, ...patch }))
    expect(card.shadowRoot!.querySelector('[part~="pill"]')!.textContent).toBe(pill)
    expect(step.shadowRoot!.querySelector('[part~="status"]')!.textContent).toContain(sentence)
  })
})

describe('<mcp-server-card>', () => {
  test('name, URL, issuer, scopes and a live countdown pill', () => {
    vi.useFakeTimers()
    try {
      const fake = fakeHandle({
        status: 'authorized',
        resourceName: 'Demo tools',
        scopes: ['read', 'write'],
        expiresAt: Date.now() + 12 * 60_000,
      })
      const card = mount('mcp-server-card', fake)
      expect(text(card)).toContain('Demo tools')
      expect(text(card)).toContain('https://mcp.example.com/mcp')
      expect(text(card)).toContain('https://auth.example.com')
      expect(text(card)).toContain('read write')
      const pill = () => card.shadowRoot!.querySelector('[part~="pill"]')!.textContent
      expect(pill()).toBe('Authorized · expires in 12 min')
      vi.advanceTimersByTime(11.5 * 60_000)
      expect(pill()).toBe('Authorized · expires in 30 s')
      vi.advanceTimersByTime(31_000)
      expect(pill()).toBe('Expired')
    } finally {
      vi.useRealTimers()
    }
  })

  test('a sender-constrained (DPoP) token says so; a bearer token says nothing; the words are strings', () => {
    const fake = fakeHandle({ status: 'authorized', scopes: ['read'], tokenType: 'DPoP' })
    const card = mount('mcp-server-card', fake)
    const protection = () => card.shadowRoot!.querySelector('[part~="protection"]')
    expect(protection()?.textContent).toBe('Sender-constrained (DPoP)')
    expect(text(card)).toContain('Protection')
    fake.set({ tokenType: 'Bearer' })
    expect(protection()).toBeNull()
    fake.set({ tokenType: 'DPoP' })
    card.strings = { senderConstrained: 'Lié à ce navigateur' }
    expect(protection()?.textContent).toBe('Lié à ce navigateur')
    fake.set({ status: 'disconnected', tokenType: 'Bearer' })
    expect(protection()).toBeNull()
  })

  test.each([
    ['refreshing', 'Refreshing…'],
    ['needs-authorization', 'Needs authorization'],
    ['needs-step-up', 'Needs more permissions'],
    ['error', 'Error'],
    ['open', 'Open'],
  ] as const)('%s pill', (status, label) => {
    const card = mount('mcp-server-card', fakeHandle({ status }))
    expect(card.shadowRoot!.querySelector('[part~="pill"]')!.textContent).toBe(label)
  })

  test('Disconnect asks for confirmation before revoking', () => {
    const fake = fakeHandle({ status: 'authorized' })
    const card = mount('mcp-server-card', fake)
    expect(buttons(card)).toEqual(['Re-authorize', 'Disconnect'])
    click(card, 'Disconnect')
    expect(text(card)).toContain('Disconnect and revoke access?')
    expect(fake.handle.disconnect).not.toHaveBeenCalled()
    click(card, 'Keep')
    expect(buttons(card)).toEqual(['Re-authorize', 'Disconnect'])
    click(card, 'Disconnect')
    click(card, 'Disconnect')
    expect(fake.handle.disconnect).toHaveBeenCalledTimes(1)
  })

  test('the countdown timer runs only while there is a time to count down', () => {
    vi.useFakeTimers()
    try {
      const fake = fakeHandle({ status: 'authorized', expiresAt: Date.now() + 10 * 60_000 })
      const card = mount('mcp-server-card', fake)
      expect(vi.getTimerCount()).toBe(1)
      fake.set({ status: 'needs-authorization' })
      expect(vi.getTimerCount()).toBe(0)
      fake.set({ status: 'authorized' })
      expect(vi.getTimerCount()).toBe(1)
      card.remove()
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
