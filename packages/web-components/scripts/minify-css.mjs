#!/usr/bin/env node
// Minifies the CSS the elements ship. After `tsc`, every template literal marked `/* css */` in
// dist/**/*.js gets its static parts minified by esbuild; `${…}` parts stay as they are. The line
// breaks the CSS had are kept after the literal, as JavaScript white space, so the source maps
// still point at the right lines.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

const dist = fileURLToPath(new URL('../dist', import.meta.url))
const marked = /\/\* css \*\/ ?`([^`]*)`/g
let count = 0

// esbuild keeps the white space of custom property values (`--_bg: var(--mcp-bg, #fff)`) as
// written: a custom property's leading white space is not part of its value (CSS Variables §2),
// and a space after a comma outside a string is not significant.
const minify = (css) =>
  css.trim() === ''
    ? css
    : transformSync(css, { loader: 'css', minify: true })
        .code.trim()
        .replace(/(--[\w-]+): /g, '$1:')
        .replace(/, (?=(?:[^"]*"[^"]*")*[^"]*$)/g, ',')

for (const file of readdirSync(dist, { recursive: true }).filter((name) => name.endsWith('.js'))) {
  const path = join(dist, file)
  const code = readFileSync(path, 'utf8')
  const next = code.replace(marked, (_, body) => {
    count += 1
    const parts = body.split(/(\$\{[^}]*\})/)
    const css = parts.map((part, i) => (i % 2 === 1 ? part : minify(part))).join('')
    return `\`${css}\`${'\n'.repeat(body.split('\n').length - 1)}`
  })
  if (next !== code) writeFileSync(path, next)
}
if (count === 0) {
  console.error('minify-css: no `/* css */` template literal found in dist')
  process.exit(1)
}
