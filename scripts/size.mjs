#!/usr/bin/env node
// `npm run size`: the minified + gzipped size of each public entry with its dependencies bundled,
// measured with two bundlers an app is likely to use: Vite (Rolldown, its default minifier) and
// esbuild (minify, ESM, browser platform). gzip at level 9 in both cases. Every figure must be
// within the entry's budget in both; the script exits non-zero otherwise.
// Measures the built packages (dist): run `npm run build` first.
//
// The core imports the IndexedDB storage and the browser driver on demand (dynamic import), and
// only when the app brings no storage or driver of its own. A figure is what the app loads:
// for the entries, every chunk (a browser app with the defaults loads them all at start); for
// the app that brings its own storage and driver, the entry chunk and its static imports, since
// the lazy chunks exist in its build but are never requested.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { build as vite } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const KB = 1024

/**
 * name, entry source (a module body), budget in bytes (min+gz), externals. `budget: undefined`
 * rows are printed for information only.
 */
const entries = [
  {
    name: '@mcp-oauth/core (everything)',
    code: "export * from '@mcp-oauth/core'",
    budget: 12 * KB,
  },
  {
    // What a headless or memory-storage app pays: no IndexedDB storage, no browser driver.
    name: 'core: createMcpAuth + memoryStorage + own driver',
    code: [
      "import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'",
      'export const auth = createMcpAuth({',
      "  redirectUri: 'https://app.example/cb',",
      '  storage: memoryStorage(),',
      '  driver: async ({ url }) => url,',
      '})',
    ].join('\n'),
    budget: 12 * KB,
    loads: 'static',
  },
  {
    name: '@mcp-oauth/web-components (with core)',
    // What a page ships: the elements plus the core instance they are given.
    code: "export * from '@mcp-oauth/web-components'\nexport * from '@mcp-oauth/core'",
    budget: 18 * KB,
  },
  {
    name: '@mcp-oauth/react (on top of core and elements)',
    code: "export * from '@mcp-oauth/react'",
    budget: 4 * KB,
    external: [
      'react',
      'react/*',
      'react-dom',
      '@tanstack/*',
      '@mcp-oauth/core',
      '@mcp-oauth/core/*',
      '@mcp-oauth/web-components',
      '@mcp-oauth/web-components/*',
    ],
  },
  {
    name: '@mcp-oauth/core/callback',
    code: "export * from '@mcp-oauth/core/callback'",
    budget: 2 * KB,
  },
]

// Entry files live inside the repo so that workspace packages resolve from node_modules.
const scratch = join(root, 'node_modules', '.cache', 'size')
rmSync(scratch, { recursive: true, force: true })
mkdirSync(scratch, { recursive: true })

const figures = (chunks) => {
  const js = chunks.join('\n')
  return { min: Buffer.byteLength(js), gz: gzipSync(js, { level: 9 }).length }
}

/** The chunks reachable from `start` by static imports only, or every chunk. */
function loaded(chunks, start, loads) {
  if (loads !== 'static') return [...chunks.values()].map((c) => c.code)
  const seen = new Set()
  const visit = (name) => {
    if (seen.has(name) || !chunks.has(name)) return
    seen.add(name)
    for (const next of chunks.get(name).imports) visit(next)
  }
  visit(start)
  return [...seen].map((name) => chunks.get(name).code)
}

/** Vite as an app build (lib mode keeps whitespace in ES output). */
async function withVite(entry, external, loads) {
  const result = await vite({
    root: scratch,
    logLevel: 'silent',
    configFile: false,
    build: {
      write: false,
      minify: true,
      modulePreload: false,
      rolldownOptions: {
        input: entry,
        ...(external ? { external: (id) => external.some((e) => matches(e, id)) } : {}),
        preserveEntrySignatures: 'exports-only',
      },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output)
  const chunks = new Map(
    outputs
      .filter((o) => o.type === 'chunk')
      .map((o) => [o.fileName, { code: o.code, imports: o.imports }]),
  )
  const start = outputs.find((o) => o.type === 'chunk' && o.isEntry).fileName
  return figures(loaded(chunks, start, loads))
}

async function withEsbuild(entry, external, loads) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: join(scratch, 'out'),
    write: false,
    logLevel: 'silent',
    metafile: true,
    ...(external ? { external } : {}),
  })
  const out = join(scratch, 'out')
  const chunks = new Map(
    result.outputFiles.map((f) => {
      const meta = result.metafile.outputs[relative(root, f.path)]
      const imports = meta.imports
        .filter((i) => i.kind === 'import-statement')
        .map((i) => relative(out, join(root, i.path)))
      return [relative(out, f.path), { code: f.text, imports }]
    }),
  )
  const start = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)[0]
  return figures(loaded(chunks, relative(out, join(root, start)), loads))
}

/** esbuild-style external patterns (`*` wildcard), applied to Vite ids. */
function matches(pattern, id) {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined
  return prefix ? id.startsWith(prefix) : id === pattern
}

let failed = false
const rows = []
for (const [index, { name, code, budget, external, loads }] of entries.entries()) {
  const entry = join(scratch, `entry-${index}.js`)
  writeFileSync(entry, code)
  const sizes = [await withVite(entry, external, loads), await withEsbuild(entry, external, loads)]
  const ok = budget === undefined || sizes.every((s) => s.gz <= budget)
  if (!ok) failed = true
  rows.push([
    name,
    ...sizes.flatMap((s) => [`${(s.min / KB).toFixed(1)} KB`, `${s.gz} B`]),
    budget === undefined ? '-' : `${budget} B`,
    ok ? 'ok' : 'OVER',
  ])
}
const head = ['entry', 'vite min', 'vite gz', 'esbuild min', 'esbuild gz', 'budget gz', '']
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (r) =>
  r
    .map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
console.log(line(head))
for (const r of rows) console.log(line(r))
process.exit(failed ? 1 : 0)
