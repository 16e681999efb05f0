import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { McpServerStatus } from '@mcp-oauth/core'
import { McpAuthError } from '@mcp-oauth/core'
import { afterEach, beforeAll, expect, test } from 'vitest'
import { defineMcpElements } from './index.js'
import { click, fakeHandle, formShown, mount } from './test-support/fake.js'

beforeAll(() => defineMcpElements())
afterEach(() => document.body.replaceChildren())

const manifest = JSON.parse(
  readFileSync(join(import.meta.dirname, '../custom-elements.json'), 'utf8'),
) as { modules: { declarations: { tagName?: string; cssParts?: { name: string }[] }[] }[] }

const statuses: McpServerStatus[] = [
  'unknown',
  'probing',
  'open',
  'needs-authorization',
  'needs-client-id',
  'needs-token',
  'authorizing',
  'authorized',
  'refreshing',
  'needs-step-up',
  'cancelled',
  'disconnected',
  'error',
]

test.each(['mcp-authorize', 'mcp-server-card'] as const)(
  '%s: every part rendered in any status is in the manifest, and every declared one is rendered',
  async (tag) => {
    const parts = new Set<string>()
    const collect = (element: HTMLElement) => {
      for (const node of element.shadowRoot!.querySelectorAll('[part]')) {
        for (const part of node.getAttribute('part')!.split(/\s+/)) parts.add(part)
      }
    }
    for (const status of statuses) {
      const element = mount(
        tag,
        fakeHandle({
          status,
          expiresAt: Date.now() + 60_000,
          stepUpScopes: ['admin'],
          tokenType: 'DPoP',
          ...(status === 'error' ? { error: new McpAuthError('timeout', 'x') } : {}),
        }),
      )
      const form = status === 'needs-client-id' || status === 'needs-token'
      if (form && tag === 'mcp-authorize') await formShown(element)
      collect(element)
      if (status === 'authorized' && tag === 'mcp-server-card') {
        click(element, 'Disconnect')
        collect(element)
      }
      if (status === 'error') {
        // A CORS block adds the developer-text disclosure.
        const blocked = mount(
          tag,
          fakeHandle({ status, error: new McpAuthError('cors_blocked', 'blocked') }),
        )
        collect(blocked)
        blocked.remove()
      }
      if (status === 'needs-client-id' && tag === 'mcp-authorize') {
        element.shadowRoot!.querySelector('form')!.requestSubmit()
        collect(element)
      }
      element.remove()
    }
    const declared = manifest.modules
      .flatMap((m) => m.declarations)
      .find((d) => d.tagName === tag)!
      .cssParts!.map((p) => p.name)
    expect([...parts].sort()).toEqual([...declared].sort())
  },
)
