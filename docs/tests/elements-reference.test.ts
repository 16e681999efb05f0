import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { manifestPath, pagePath, render } from '../../scripts/element-reference.mjs'

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const page = readFileSync(pagePath, 'utf8')

test('the element reference is what the Custom Elements Manifest says, word for word', () => {
  // Stale? Run `npm run docs:elements` and commit the page.
  expect(page).toBe(render(manifest))
})

test('it documents what users asked after: the probe attribute, mcp-restored, the two-step Disconnect', () => {
  const section = (tag: string) => {
    const start = page.indexOf(`## \`<${tag}>\``)
    const end = page.indexOf('\n## ', start + 1)
    return page.slice(start, end)
  }
  for (const tag of ['mcp-authorize', 'mcp-server-card']) {
    expect(section(tag)).toMatch(/^\| `probe` +\| `'auto' \\\| 'manual'` +\|/m)
    expect(section(tag)).toMatch(/^\| `mcp-restored` +\|/m)
  }
  expect(section('mcp-server-card')).toContain('Disconnect (which revokes) behind a confirmation')
  expect(section('mcp-flow-timeline')).toContain('`--mcp-timeline-height`')
})
