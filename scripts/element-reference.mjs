#!/usr/bin/env node
// Writes docs/guide/elements.md, the element reference, from the Custom Elements Manifest that
// @mcp-oauth/web-components ships (custom-elements.json), so that the page says what the
// package declares and nothing else. `npm run docs:elements` writes it; a docs test compares.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = new URL('..', import.meta.url)
export const manifestPath = fileURLToPath(
  new URL('packages/web-components/custom-elements.json', root),
)
export const pagePath = fileURLToPath(new URL('docs/guide/elements.md', root))

/** The package entry that exports a declaration, by the published module that is the entry. */
const ENTRIES = {
  'dist/index.js': '@mcp-oauth/web-components',
  'dist/timeline.js': '@mcp-oauth/web-components/timeline',
}

/** One line of a table cell: no line breaks, pipes escaped (also inside code spans). */
const cell = (text) =>
  (text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replaceAll('|', '\\|')
    .trim()
const code = (text) => (text ? `\`${cell(text)}\`` : '')

function table(headers, rows) {
  if (rows.length === 0) return []
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ]
}

function entryOf(manifest, name) {
  for (const module of manifest.modules) {
    const entry = ENTRIES[module.path]
    if (entry && (module.exports ?? []).some((e) => e.declaration?.name === name)) return entry
  }
  return undefined
}

function element(manifest, declaration) {
  const entry = entryOf(manifest, declaration.name)
  const members = declaration.members ?? []
  const fields = members.filter((m) => m.kind === 'field' && !m.static)
  const methods = members.filter((m) => m.kind === 'method' && !m.static)
  return [
    `## \`<${declaration.tagName}>\``,
    '',
    declaration.description ?? '',
    '',
    ...(entry ? [`Class \`${declaration.name}\`, exported by \`${entry}\`.`, ''] : []),
    ...(declaration.attributes?.length ? ['### Attributes', ''] : []),
    ...table(
      ['Attribute', 'Type', 'Description'],
      (declaration.attributes ?? []).map((a) => [
        code(a.name),
        code(a.type?.text),
        cell(a.description),
      ]),
    ),
    ...(fields.length ? ['### Properties', ''] : []),
    ...table(
      ['Property', 'Type', 'Description'],
      fields.map((f) => [
        code(f.name),
        code(f.type?.text),
        cell(`${f.readonly ? 'Read-only. ' : ''}${f.description ?? ''}`),
      ]),
    ),
    ...(methods.length ? ['### Methods', ''] : []),
    ...table(
      ['Method', 'Description'],
      methods.map((m) => [
        code(`${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})`),
        cell(m.description),
      ]),
    ),
    ...(declaration.events?.length ? ['### Events', ''] : []),
    ...table(
      ['Event', 'Type', 'Description'],
      (declaration.events ?? []).map((e) => [
        code(e.name),
        code(e.type?.text),
        cell(e.description),
      ]),
    ),
    ...(declaration.cssProperties?.length ? ['### CSS custom properties', ''] : []),
    ...table(
      ['Property', 'Description'],
      (declaration.cssProperties ?? []).map((p) => [code(p.name), cell(p.description)]),
    ),
    ...(declaration.cssParts?.length ? ['### Parts', ''] : []),
    ...table(
      ['Part', 'Description'],
      (declaration.cssParts ?? []).map((p) => [code(p.name), cell(p.description)]),
    ),
  ]
}

/** Formats Markdown the way `biome check` wants it (tables padded), so the page passes lint. */
function biomeFormat(markdown) {
  const result = spawnSync(
    'npx',
    ['--no-install', 'biome', 'format', `--stdin-file-path=${pagePath}`],
    { cwd: fileURLToPath(root), input: markdown, encoding: 'utf8' },
  )
  if (result.status !== 0) throw new Error(`biome format failed: ${result.stderr}`)
  return result.stdout
}

/** The reference page for `manifest`, as the committed page should read. */
export function render(manifest) {
  const declarations = manifest.modules.flatMap((module) => module.declarations ?? [])
  const elements = declarations
    .filter((d) => d.customElement && d.tagName)
    .sort((a, b) => a.tagName.localeCompare(b.tagName))
  const functions = declarations
    .filter((d) => d.kind === 'function')
    .sort((a, b) => a.name.localeCompare(b.name))
  const lines = [
    '# Element reference',
    '',
    '<!-- Generated from packages/web-components/custom-elements.json by',
    '     `npm run docs:elements`; do not edit by hand. A docs test fails when they differ. -->',
    '',
    'Every element, attribute, property, event, custom property and part that',
    '`@mcp-oauth/web-components` declares in its Custom Elements Manifest (`custom-elements.json`,',
    'which editors and framework tooling read too). How to use them in each framework: the',
    'getting-started guides; how to style them: [theming](./theming.md).',
    '',
    ...elements.flatMap((d) => element(manifest, d)),
    '## Functions',
    '',
    ...table(
      ['Function', 'Entry', 'Description'],
      functions.map((f) => [
        code(`${f.name}(${(f.parameters ?? []).map((p) => p.name).join(', ')})`),
        code(entryOf(manifest, f.name)),
        cell(f.description),
      ]),
    ),
  ]
  const markdown = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()
  return biomeFormat(`${markdown}\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(pagePath, render(JSON.parse(readFileSync(manifestPath, 'utf8'))))
  console.log(`wrote ${pagePath}`)
}
