// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { generate, manifestPath } from '../scripts/manifest.mjs'
import { McpAuthorizeElement, McpServerCardElement } from './index.js'
import { McpFlowTimelineElement } from './timeline.js'

interface Declaration {
  tagName?: string
  attributes?: { name: string }[]
  events?: { name: string }[]
  cssProperties?: { name: string }[]
  members?: { name: string }[]
}
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8')
const committed = readFileSync(manifestPath, 'utf8')
const manifest = JSON.parse(committed) as {
  modules: { path: string; declarations: Declaration[] }[]
}
const declared = (tag: string) =>
  manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === tag)

/** Event names the sources dispatch, read from the code rather than retyped here. */
const dispatched = [
  ...new Set(
    [
      'server-element/server-controller.ts',
      'server-element/mcp-element.ts',
      'mcp-authorize/mcp-authorize.ts',
      'mcp-server-card/mcp-server-card.ts',
    ]
      .flatMap((file) => [...read(`./${file}`).matchAll(/emit\('(mcp-[a-z-]+)'/g)])
      .map((match) => match[1]!),
  ),
].sort()

/** The public methods and accessors of an element class, its own and inherited (no DOM here). */
function publicMembers(element: { prototype: object }): string[] {
  const names = new Set<string>()
  for (
    let proto = element.prototype;
    proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name)
  }
  // Protected or @internal: for the element classes and their controllers, not for apps.
  const internal = [
    'constructor',
    'addController',
    'frame',
    'render',
    'startAuthorize',
    'values',
    'words',
  ]
  return [...names].filter((name) => !internal.includes(name) && !name.endsWith('Callback')).sort()
}

describe('custom-elements.json stays in step with the code', () => {
  test('the committed manifest is what the analyzer generates from the sources now', () => {
    // Stale? Run `npm run manifest -w @mcp-oauth/web-components` and commit the result.
    expect(committed).toBe(generate())
  })

  test('module paths name the published files (dist/*.js), each built from a source', () => {
    const paths = [...committed.matchAll(/"(?:path|module)": "([^"]+)"/g)].map((m) => m[1]!)
    expect(paths.length).toBeGreaterThan(4)
    for (const path of paths) {
      expect(path).toMatch(/^dist\/(?:[a-z-]+\/)?[a-z-]+\.js$/)
      expect(
        existsSync(new URL(`../${path.replace(/^dist\/(.+)\.js$/, 'src/$1.ts')}`, import.meta.url)),
      ).toBe(true)
    }
  })

  test.each([
    ['mcp-authorize', McpAuthorizeElement],
    ['mcp-server-card', McpServerCardElement],
  ] as const)(
    '%s: every observed attribute, the reflected status, every event, every member',
    (tag, element) => {
      const declaration = declared(tag)!
      expect(declaration.members?.map((m) => m.name).sort()).toEqual(publicMembers(element))
      expect(declaration.attributes?.map((a) => a.name).sort()).toEqual(
        [...element.observedAttributes, 'status'].sort(),
      )
      expect(declaration.events?.map((e) => e.name).sort()).toEqual(dispatched)
      expect(dispatched).toHaveLength(5)
    },
  )

  test('every --mcp-* custom property in the styles is declared, and only those', () => {
    const used = [
      ...new Set([...read('./host/styles.ts').matchAll(/var\((--mcp-[a-z-]+)/g)].map((m) => m[1])),
    ].sort()
    expect(used.length).toBeGreaterThan(5)
    for (const tag of ['mcp-authorize', 'mcp-server-card']) {
      expect(
        declared(tag)!
          .cssProperties?.map((p) => p.name)
          .sort(),
      ).toEqual(used)
    }
  })

  test('<mcp-flow-timeline>: its module path, its custom properties, its public members', () => {
    const declaration = declared('mcp-flow-timeline')!
    expect(manifest.modules.find((m) => m.declarations.includes(declaration))?.path).toBe(
      'dist/mcp-flow-timeline/mcp-flow-timeline.js',
    )
    const used = [
      ...new Set(
        ['./host/styles.ts', './mcp-flow-timeline/timeline-styles.ts']
          .flatMap((file) => [...read(file).matchAll(/var\((--mcp-[a-z-]+)/g)])
          .map((m) => m[1]),
      ),
    ].sort()
    expect(used).toContain('--mcp-timeline-height')
    expect(declaration.cssProperties?.map((p) => p.name).sort()).toEqual(used)
    expect(declaration.members?.map((m) => m.name).sort()).toEqual(
      publicMembers(McpFlowTimelineElement),
    )
    expect(declaration.attributes ?? []).toEqual([])
  })
})
