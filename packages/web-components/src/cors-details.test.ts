import { McpAuthError } from '@mcp-oauth/core'
import { afterEach, beforeAll, expect, test } from 'vitest'
import { defineMcpElements, setDefaultMcpAuth } from './index.js'
import { fakeHandle, mount, text } from './test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => {
  document.body.replaceChildren()
  setDefaultMcpAuth(undefined)
})

const developerText = 'The browser blocked the token request to https://as.example/token (CORS)'
const cors = new McpAuthError('cors_blocked', developerText, {
  details: { url: 'https://as.example/token', step: 'token' },
})

test.each(['mcp-authorize', 'mcp-server-card'] as const)(
  '%s: a CORS block says so briefly, with the developer text in a closed disclosure',
  (tag) => {
    const fake = fakeHandle({ status: 'error', error: cors })
    const element = mount(tag, fake)
    expect(text(element)).toContain('does not allow browser apps to connect (CORS)')
    const details = element.shadowRoot!.querySelectorAll('details')
    expect(details).toHaveLength(1)
    expect(details[0]!.getAttribute('part')).toBe('error-details')
    expect(details[0]!.open).toBe(false)
    expect(details[0]!.querySelector('summary')!.textContent).toBe('Details')
    expect(details[0]!.textContent).toContain(developerText)
    // Not in the live region: a screen reader hears the short message only.
    const live = element.shadowRoot!.querySelector('[aria-live]')!
    expect(live.textContent).not.toContain(developerText)
    expect(element.shadowRoot!.querySelector('[style]')).toBeNull()

    fake.set({ status: 'error', error: new McpAuthError('network_error', 'Request failed') })
    expect(text(element)).toContain('could not be reached')
    expect(element.shadowRoot!.querySelector('details')).toBeNull()
  },
)
