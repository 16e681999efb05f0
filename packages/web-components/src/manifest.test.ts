// @vitest-environment node
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { McpAuthorizeElement, McpServerCardElement } from './index.js'

interface Declaration {
  tagName: string
  attributes: { name: string }[]
  events: { name: string }[]
}
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8')
const manifest = JSON.parse(read('../custom-elements.json')) as {
  modules: { declarations: Declaration[] }[]
}
const declared = (tag: string) =>
  manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === tag)

/** Event names the sources dispatch, read from the code rather than retyped here. */
const dispatched = [
  ...new Set(
    ['base.ts', 'mcp-authorize.ts', 'mcp-server-card.ts']
      .flatMap((file) => [...read(`./${file}`).matchAll(/'(mcp-[a-z-]+)'/g)])
      .map((match) => match[1]!)
      .filter((name) => name !== 'mcp-authorize' && name !== 'mcp-server-card'),
  ),
].sort()

describe('custom-elements.json stays in step with the code', () => {
  test('it declares both elements', () => {
    expect(declared('mcp-authorize')).toBeDefined()
    expect(declared('mcp-server-card')).toBeDefined()
  })

  test.each([
    ['mcp-authorize', McpAuthorizeElement],
    ['mcp-server-card', McpServerCardElement],
  ] as const)('%s: every observed attribute and dispatched event', (tag, element) => {
    const declaration = declared(tag)!
    expect(declaration.attributes.map((a) => a.name).sort()).toEqual(
      [...element.observedAttributes].sort(),
    )
    expect(declaration.events.map((e) => e.name).sort()).toEqual(dispatched)
    expect(dispatched).toHaveLength(4)
  })
})
