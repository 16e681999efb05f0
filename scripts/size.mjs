#!/usr/bin/env node
// Prints the minified + gzipped size of each public entry with its dependencies bundled,
// against the budgets in the README. Exits non-zero when a budget is exceeded.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))

/** name, entry source (a module body), budget in bytes (min+gz), externals */
const entries = [
  {
    name: '@mcp-oauth/core (everything)',
    code: "export * from '@mcp-oauth/core'",
    budget: 12 * 1024,
  },
  {
    name: '@mcp-oauth/web-components (with core)',
    // What a page ships: the elements plus the core instance they are given.
    code: "export * from '@mcp-oauth/web-components'\nexport * from '@mcp-oauth/core'",
    budget: 18 * 1024,
  },
  {
    name: '@mcp-oauth/react (on top of core and elements)',
    code: "export * from '@mcp-oauth/react'",
    budget: 4 * 1024,
    external: [/^react/, /^@tanstack\//, /^@mcp-oauth\/(core|web-components)/],
  },
  {
    name: '@mcp-oauth/core/callback',
    code: "export * from '@mcp-oauth/core/callback'",
    budget: 2 * 1024,
    optional: true,
  },
]

// Entry files live inside the repo so that workspace packages resolve from node_modules.
const scratch = join(root, 'node_modules', '.cache', 'size')
rmSync(scratch, { recursive: true, force: true })
mkdirSync(scratch, { recursive: true })

async function measure({ code, external }, index) {
  const entry = join(scratch, `entry-${index}.js`)
  writeFileSync(entry, code)
  const result = await build({
    root: scratch,
    logLevel: 'silent',
    configFile: false,
    // An app build, not lib mode: Vite keeps whitespace in lib-mode ES output.
    build: {
      write: false,
      minify: true,
      modulePreload: false,
      rolldownOptions: {
        input: entry,
        ...(external ? { external } : {}),
        preserveEntrySignatures: 'exports-only',
        output: { codeSplitting: false },
      },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output)
  const js = outputs
    .filter((o) => o.type === 'chunk')
    .map((o) => o.code)
    .join('\n')
  return { min: Buffer.byteLength(js), gz: gzipSync(js, { level: 9 }).length }
}

let failed = false
const rows = []
for (const [index, entry] of entries.entries()) {
  let size
  try {
    size = await measure(entry, index)
  } catch (error) {
    if (entry.optional) continue
    throw error
  }
  const ok = size.gz <= entry.budget
  if (!ok) failed = true
  rows.push([
    entry.name,
    `${(size.min / 1024).toFixed(1)} KB`,
    `${(size.gz / 1024).toFixed(2)} KB`,
    `${(entry.budget / 1024).toFixed(0)} KB`,
    ok ? 'ok' : 'OVER',
  ])
}
const head = ['entry', 'min', 'min+gz', 'budget', '']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')
console.log(line(head))
for (const r of rows) console.log(line(r))
process.exit(failed ? 1 : 0)
