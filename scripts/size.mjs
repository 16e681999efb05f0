#!/usr/bin/env node
// `npm run size`: the minified + gzipped size of each public entry with its dependencies bundled,
// measured with two bundlers an app is likely to use: Vite (Rolldown, its default minifier) and
// esbuild (minify, ESM, browser platform). gzip at level 9 in both cases. Measures the built
// packages (dist): run `npm run build` first.
//
// Every figure must be within its entry's budget, or, while an entry still misses its budget,
// within the committed baseline (scripts/size-baseline.json), which may only shrink: the script
// exits non-zero when a figure exceeds max(budget, baseline). `npm run size -- --write-baseline`
// lowers the baseline to the current figures (never raises it) and drops the figures that meet
// their budget.
//
// A figure is what the app loads at start: the entry chunk and its static imports. Lazy chunks
// exist in the build but are requested only when needed, so each is a row of its own: the
// connect chunk (discovery, registration, the authorization flow) loads the first time a server
// has no tokens, DPoP (RFC 9449) only for a server that binds tokens. The "every chunk" row adds
// them all up, for what a first authorization costs in all.
//
// An entry "on top of" another (`minus`) is measured as the difference between a bundle with
// both and the other's own figure: what an app that already ships the other pays for it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { build as vite } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const KB = 1024
const baselineFile = join(root, 'scripts', 'size-baseline.json')
const bundlers = ['vite', 'esbuild']
/** `{ [entry name]: { vite?: bytes, esbuild?: bytes } }`, gzipped, for figures over budget. */
const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'))

/**
 * name, entry source (a module body), budget in bytes (min+gz), externals. `budget: undefined`
 * rows are printed for information only.
 */
const entries = [
  {
    // Every export, as a browser app with the defaults loads it at start.
    name: '@mcp-oauth/core (at start)',
    code: "export * from '@mcp-oauth/core'",
    budget: 12 * KB,
  },
  {
    // What a page loads on top, the first time a server binds tokens (or a DPoP token is stored):
    // keys, proofs, nonces and the RFC 9449 §5 rules, without the core it shares.
    name: '@mcp-oauth/core DPoP chunk (on demand)',
    code: "export * from '@mcp-oauth/core'",
    budget: 3.5 * KB,
    loads: { lazy: 'dpop' },
  },
  {
    // What a page loads the first time a server has no tokens (a probe that finds no tokens, or
    // an authorization): discovery, choosing a client, PKCE and the authorization request. A
    // page whose servers all have stored tokens never loads it. The probe, a dynamic
    // registration, the code exchange, refresh and revocation are smaller chunks of their own
    // (the "other chunks" row); `server.fetch` is in the core at start.
    name: '@mcp-oauth/core connect chunk (on demand)',
    code: "export * from '@mcp-oauth/core'",
    budget: 6 * KB,
    loads: { lazy: 'connect' },
  },
  {
    // Loaded only when needed, never at start: the popup listener once an authorization window
    // is open, the CORS check after a request failed, the callback delivery on the callback
    // route. Printed for information.
    name: '@mcp-oauth/core: other chunks on demand',
    code: "export * from '@mcp-oauth/core'",
    budget: undefined,
    loads: { lazy: '', except: ['dpop', 'connect'] },
  },
  {
    // Every chunk of the core together, DPoP included: what a first authorization with DPoP
    // and a popup loads in all. Printed for information.
    name: '@mcp-oauth/core, every chunk',
    code: "export * from '@mcp-oauth/core'",
    budget: undefined,
    loads: 'all',
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
  },
  {
    name: '@mcp-oauth/web-components (with core)',
    // What a page ships: the elements plus the core instance they are given.
    code: "export * from '@mcp-oauth/web-components'\nexport * from '@mcp-oauth/core'",
    budget: 18 * KB,
  },
  {
    // What <mcp-authorize> loads the first time a server needs a client ID or a token.
    // Printed for information.
    name: '@mcp-oauth/web-components forms chunk (on demand)',
    code: "export * from '@mcp-oauth/web-components'\nexport * from '@mcp-oauth/core'",
    budget: undefined,
    loads: { lazy: 'forms' },
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
    // The event stream: what an app that listens adds to the core it already ships. No budget
    // was set for it; 3.5 KB catches growth.
    name: '@mcp-oauth/core/events (on top of core)',
    code: "export * from '@mcp-oauth/core'\nexport * from '@mcp-oauth/core/events'",
    budget: 3.5 * KB,
    minus: '@mcp-oauth/core (at start)',
  },
  {
    // The element's own code, on a page that has the elements and the stream.
    name: 'elements, core and core/events',
    code: [
      "export * from '@mcp-oauth/web-components'",
      "export * from '@mcp-oauth/core'",
      "export * from '@mcp-oauth/core/events'",
    ].join('\n'),
    budget: undefined,
    hidden: true,
  },
  {
    name: '@mcp-oauth/web-components/timeline (on top of elements and core/events)',
    code: [
      "export * from '@mcp-oauth/web-components'",
      "export * from '@mcp-oauth/core'",
      "export * from '@mcp-oauth/core/events'",
      "export * from '@mcp-oauth/web-components/timeline'",
    ].join('\n'),
    budget: 4 * KB,
    minus: 'elements, core and core/events',
  },
  {
    // What a page with the elements pays for showing the timeline: the element and the stream.
    name: '@mcp-oauth/web-components/timeline with core/events (on top of elements)',
    code: [
      "export * from '@mcp-oauth/web-components'",
      "export * from '@mcp-oauth/core'",
      "export * from '@mcp-oauth/web-components/timeline'",
    ].join('\n'),
    budget: undefined,
    minus: '@mcp-oauth/web-components (with core)',
  },
  {
    name: '@mcp-oauth/core/callback',
    code: "export * from '@mcp-oauth/core/callback'",
    budget: 2 * KB,
  },
  {
    // Client ID metadata documents: built and checked on the app's server, build or CI, never
    // by the page that signs in (an entry of its own). Printed for information.
    name: '@mcp-oauth/core/client-metadata',
    code: "export * from '@mcp-oauth/core/client-metadata'",
    budget: undefined,
  },
  {
    // The relay runs on the app's server (Node, Deno, Workers, edge functions), never in a
    // page: its own entry and budget, outside the browser core's. Every export, the Node
    // adapter and Node fetch included; the `node:` modules they load on first use are the
    // platform's. Most of it is the address rules and the refusal messages.
    name: '@mcp-oauth/core/relay (server)',
    code: "export * from '@mcp-oauth/core/relay'",
    budget: 6.5 * KB,
    external: ['node:*'],
  },
  {
    // What a Workers or edge app that passes its own resolver ships: the relay alone.
    name: 'core/relay: createMcpRelay only',
    code: "export { createMcpRelay } from '@mcp-oauth/core/relay'",
    budget: undefined,
    external: ['node:*'],
  },
]

// Entry files live inside the repo so that workspace packages resolve from node_modules.
const scratch = join(root, 'node_modules', '.cache', 'size')
rmSync(scratch, { recursive: true, force: true })
mkdirSync(scratch, { recursive: true })
const emptyTsconfig = join(scratch, 'tsconfig.json')
writeFileSync(emptyTsconfig, '{}')

const figures = (chunks) => {
  const js = chunks.join('\n')
  return { min: Buffer.byteLength(js), gz: gzipSync(js, { level: 9 }).length }
}

/**
 * The chunks an app loads: reachable from `start` by static imports (`static`, the default), or
 * reachable through the dynamic `import()`s of chunks named like `lazy` and not loaded at start
 * (`{ lazy: 'dpop' }`; `{ lazy: '', except: ['dpop'] }` for every other chunk loaded on demand),
 * or every chunk of the build (`all`).
 */
function loaded(chunks, start, loads = 'static') {
  const reach = (from, seen = new Set()) => {
    const visit = (name) => {
      if (seen.has(name) || !chunks.has(name)) return
      seen.add(name)
      for (const next of chunks.get(name).imports) visit(next)
    }
    for (const name of from) visit(name)
    return seen
  }
  const eager = reach([start])
  if (loads === 'static') return [...eager].map((name) => chunks.get(name).code)
  if (loads === 'all') return [...chunks.values()].map((chunk) => chunk.code)
  const targets = [...eager]
    .flatMap((name) => chunks.get(name).dynamicImports)
    .filter((name) => {
      const file = name.split('/').pop()
      return file.startsWith(loads.lazy) && !loads.except?.some((except) => file.startsWith(except))
    })
  const names = [...reach(targets)].filter((name) => !eager.has(name))
  return names.map((name) => chunks.get(name).code)
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
      .map((o) => [
        o.fileName,
        { code: o.code, imports: o.imports, dynamicImports: o.dynamicImports },
      ]),
  )
  const start = outputs.find((o) => o.type === 'chunk' && o.isEntry).fileName
  return figures(loaded(chunks, start, loads))
}

async function withEsbuild(entry, external, loads) {
  const result = await esbuild.build({
    entryPoints: [entry],
    // As an app bundles the published packages: the repository's tsconfig `paths` (which map
    // the packages to their sources for the type checker) must not reach the built files.
    tsconfig: emptyTsconfig,
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
      const chunk = (kind) =>
        meta.imports.filter((i) => i.kind === kind).map((i) => relative(out, join(root, i.path)))
      return [
        relative(out, f.path),
        {
          code: f.text,
          imports: chunk('import-statement'),
          dynamicImports: chunk('dynamic-import'),
        },
      ]
    }),
  )
  // Every chunk a dynamic import() loads has an entry point too: the app's is the one given.
  const start = Object.entries(result.metafile.outputs).find(
    ([, o]) => o.entryPoint === relative(root, entry),
  )[0]
  return figures(loaded(chunks, relative(out, join(root, start)), loads))
}

/** esbuild-style external patterns (`*` wildcard), applied to Vite ids. */
function matches(pattern, id) {
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined
  return prefix ? id.startsWith(prefix) : id === pattern
}

let failed = false
const rows = []
const notes = []
const nextBaseline = {}
const measured = new Map()
for (const [index, { name, code, budget, external, loads, minus, hidden }] of entries.entries()) {
  const entry = join(scratch, `entry-${index}.js`)
  writeFileSync(entry, code)
  let sizes = [await withVite(entry, external, loads), await withEsbuild(entry, external, loads)]
  measured.set(name, sizes)
  if (minus) {
    const base = measured.get(minus)
    sizes = sizes.map((s, i) => ({ min: s.min - base[i].min, gz: s.gz - base[i].gz }))
  }
  // A bundle measured only to be subtracted from another row.
  if (hidden) continue
  const verdicts = sizes.map(({ gz }, i) => {
    if (budget === undefined || gz <= budget) return 'ok'
    const bundler = bundlers[i]
    const base = baseline[name]?.[bundler]
    const allowed = Math.max(budget, base ?? budget)
    nextBaseline[name] = { ...nextBaseline[name], [bundler]: Math.min(gz, base ?? gz) }
    if (gz > allowed) {
      failed = true
      notes.push(`${name} (${bundler}): ${gz} B exceeds the baseline ${base ?? '(none)'} B`)
      return 'OVER'
    }
    if (gz < allowed) notes.push(`${name} (${bundler}): baseline can shrink to ${gz}`)
    return 'baseline'
  })
  for (const [i, bundler] of bundlers.entries()) {
    const base = baseline[name]?.[bundler]
    if (base !== undefined && budget !== undefined && sizes[i].gz <= budget)
      notes.push(`${name} (${bundler}): within budget, its baseline can be removed`)
  }
  const missed = verdicts.flatMap((v, i) => (v === 'ok' ? [] : [`${bundlers[i]} ${sizes[i].gz} B`]))
  if (missed.length > 0) notes.push(`${name} misses its ${budget} B budget: ${missed.join(', ')}`)
  rows.push([
    name,
    ...sizes.flatMap((s) => [`${(s.min / KB).toFixed(1)} KB`, `${s.gz} B`]),
    budget === undefined ? '-' : `${budget} B`,
    verdicts.includes('OVER') ? 'OVER' : verdicts.includes('baseline') ? 'baseline' : 'ok',
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
if (notes.length > 0) console.log(`\n${notes.join('\n')}`)
if (process.argv.includes('--write-baseline')) {
  writeFileSync(baselineFile, `${JSON.stringify(nextBaseline, null, 2)}\n`)
  console.log(`\nWrote ${relative(root, baselineFile)}`)
}
process.exit(failed ? 1 : 0)
