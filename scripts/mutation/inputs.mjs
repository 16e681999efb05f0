// What the mutation results depend on, read from the working tree: each source file's content,
// each test file's content together with the test support it runs (the files it imports that are
// neither product code nor packages), and the Stryker settings. scripts/mutation/record.mjs
// compares these with the committed record to find what must be tested again.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import { isSource, isTest, SOURCE_ROOT } from './scope.mjs'

/** A short content hash: 16 hex digits of SHA-256, line endings normalized. */
export function hashText(text) {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex').slice(0, 16)
}

/** Every file under `dir` (repository-relative, POSIX separators), node_modules left out. */
function listFiles(root, dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(root, path)
    return [path]
  })
}

// One statement of module wiring, as esbuild minifies it: imports and re-exports, no code.
const WIRING =
  /^(?:import\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+)?\s*(?:from)?\s*"[^"]*";|export\s*(?:\{[^}]*\}|\*(?:\s*as\s+[\w$]+)?)\s*(?:from\s*"[^"]*")?;)/

/**
 * Whether a TypeScript module holds nothing Stryker could mutate: only types, imports and
 * re-exports. Such a file needs no Stryker run to be recorded with no mutants.
 */
export function wiringOnly(code) {
  let rest = esbuild.transformSync(code, { loader: 'ts', format: 'esm', minify: true }).code.trim()
  for (let match = WIRING.exec(rest); match; match = WIRING.exec(rest)) {
    rest = rest.slice(match[0].length).trim()
  }
  return rest === ''
}

/** Bare imports stay out of the graph, except the workspace's own packages (the test world). */
const packagesOutside = {
  name: 'packages-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@mcp-oauth/') ? undefined : { path: args.path, external: true },
    )
  },
}

/**
 * Product code (the core's source, or its build reached through the package's name) or a
 * dependency: what a test exercises, not what it is made of. A workspace package of test support
 * counts, built or not.
 */
const coreBuild = `${dirname(SOURCE_ROOT)}/dist/`
const outsideTests = (path) =>
  isSource(path) || path.startsWith(coreBuild) || path.includes('node_modules/')

/**
 * For each test file: the repository files it runs besides product code (itself first, then its
 * test support, found by following its imports with esbuild), and the source files it imports
 * directly.
 */
export async function testGraph(root, tests) {
  if (!tests.length) return {}
  const { metafile } = await esbuild.build({
    absWorkingDir: root,
    entryPoints: tests,
    bundle: true,
    write: false,
    metafile: true,
    outdir: 'graph',
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [packagesOutside],
  })
  // The build's service process would outlive the check by a moment: end it now.
  await esbuild.stop()
  const importsOf = (path) =>
    (metafile.inputs[path]?.imports ?? []).filter((i) => !i.external).map((i) => i.path)
  return Object.fromEntries(
    tests.map((test) => {
      const support = new Set()
      const pending = [test]
      while (pending.length) {
        for (const next of importsOf(pending.pop())) {
          if (next === test || support.has(next) || outsideTests(next)) continue
          support.add(next)
          pending.push(next)
        }
      }
      const sources = [...new Set(importsOf(test).filter(isSource))].sort()
      return [test, { files: [test, ...[...support].sort()], sources }]
    }),
  )
}

/** Settings that do not change a mutant's result: where reports go, how many run at once. */
const PRESENTATION = new Set([
  'mutate',
  'ignorePatterns',
  'reporters',
  'jsonReporter',
  'clearTextReporter',
  'htmlReporter',
  'incremental',
  'incrementalFile',
  'force',
  'concurrency',
  'thresholds',
  'tempDirName',
  'cleanTempDir',
  'logLevel',
  'fileLogLevel',
])

/** JSON with object keys sorted, so that equal settings hash alike. */
const canonical = (value) =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )

/**
 * One hash of what decides every mutant's result: Stryker's version (its mutators), the options
 * of stryker.config.mjs that affect results, and the Vitest configuration the tests run with.
 */
export async function settingsHash(root) {
  const config = (await import(pathToFileURL(join(root, 'stryker.config.mjs')).href)).default
  const options = Object.fromEntries(Object.entries(config).filter(([k]) => !PRESENTATION.has(k)))
  const stryker = JSON.parse(
    readFileSync(join(root, 'node_modules/@stryker-mutator/core/package.json'), 'utf8'),
  ).version
  const vitestConfig = config.vitest?.configFile
  const vitest = vitestConfig ? hashText(readFileSync(join(root, vitestConfig), 'utf8')) : null
  return hashText(canonical({ stryker, options, vitest }))
}

/**
 * The working tree as the record sees it:
 * - `sources`: each source file's hash and text;
 * - `tests`: each test file's hash (over its support too), text, and the sources it imports;
 * - `settings`: {@link settingsHash}.
 */
export async function readInputs(root) {
  const files = listFiles(root, SOURCE_ROOT)
  const read = (path) => readFileSync(join(root, path), 'utf8')
  const sources = Object.fromEntries(
    files.filter(isSource).map((path) => {
      const text = read(path)
      return [path, { hash: hashText(text), text }]
    }),
  )
  const graph = await testGraph(root, files.filter(isTest))
  const tests = Object.fromEntries(
    Object.entries(graph).map(([path, { files: runs, sources: imported }]) => [
      path,
      {
        hash: hashText(runs.map((file) => `${file} ${hashText(read(file))}\n`).join('')),
        text: read(path),
        sources: imported,
      },
    ]),
  )
  return { sources, tests, settings: await settingsHash(root) }
}
