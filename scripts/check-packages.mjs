#!/usr/bin/env node
// Lints every publishable workspace package the way a consumer would see it: the tarball's
// contents (`npm pack --dry-run`), the metadata a registry page shows, publint (package.json
// fields, exports, files) and Are The Types Wrong (types per resolution mode, ESM-only profile).
// Run after `npm run build`. Exits non-zero on any problem.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rangeProblems, releaseProblems } from './package-ranges.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const publishable = workspaces
  .filter((dir) => dir.startsWith('packages/'))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private)

if (publishable.length === 0) {
  console.error('check-packages: no publishable package found')
  process.exit(1)
}

const license = readFileSync(join(root, 'LICENSE'), 'utf8')

/**
 * What `npm pack` would put in the tarball, and what is wrong with it: README, LICENSE and
 * `dist` must be there (and the manifest the package declares); tests, test support and build
 * caches must not; every source map must point at files that ship.
 */
function tarballProblems(dir, pkg) {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(root, dir),
    encoding: 'utf8',
  })
  if (result.status !== 0) return [`npm pack failed: ${result.stderr}`]
  const files = new Set(JSON.parse(result.stdout)[0].files.map((file) => file.path))
  const problems = []
  const required = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']
  if (pkg.customElements) required.push(pkg.customElements)
  for (const file of required) if (!files.has(file)) problems.push(`missing ${file}`)
  for (const file of files) {
    const allowed =
      /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(file) ||
      file === pkg.customElements ||
      (/^(dist|src)\//.test(file) &&
        !/(\.test(-d)?\.tsx?|\/test-support\/|\.tsbuildinfo)/.test(file))
    if (!allowed) problems.push(`unexpected ${file}`)
  }
  for (const file of files) {
    if (!file.endsWith('.map')) continue
    const { sources } = JSON.parse(readFileSync(join(root, dir, file), 'utf8'))
    for (const source of sources) {
      const target = join(dirname(file), source)
      if (!files.has(target)) problems.push(`${file} points at ${target}, which is not packed`)
    }
  }
  if (readFileSync(join(root, dir, 'LICENSE'), 'utf8') !== license)
    problems.push('LICENSE differs from the repository LICENSE')
  for (const field of ['description', 'keywords', 'homepage', 'bugs', 'author', 'engines'])
    if (!pkg[field]) problems.push(`no "${field}" in package.json`)
  if (pkg.repository?.directory !== dir) problems.push(`repository.directory is not "${dir}"`)
  for (const [name, range] of Object.entries(pkg.dependencies ?? {}))
    if (!range.startsWith('^')) problems.push(`dependency ${name}@${range} is not a caret range`)
  return problems
}

let failed = false
for (const { dir, pkg } of publishable) {
  if (!existsSync(join(root, dir, 'dist'))) {
    console.error(`${pkg.name}: no dist/ — run \`npm run build\` first`)
    failed = true
    continue
  }
  const siblings = publishable.map((p) => p.pkg)
  for (const [label, problems] of [
    ['tarball', tarballProblems(dir, pkg)],
    ['ranges', rangeProblems(join(root, dir), pkg, siblings)],
  ]) {
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${label.padEnd(8)} ${pkg.name}`)
    for (const problem of problems) console.log(`     ${problem}`)
    failed ||= problems.length > 0
  }
  const checks = [
    ['publint', ['publint', '--strict', dir]],
    ['attw', ['attw', '--pack', dir, '--profile', 'esm-only', '--format', 'table-flipped']],
  ]
  for (const [label, args] of checks) {
    const result = spawnSync('npx', ['--no-install', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    })
    const output = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => !line.includes('Unknown user config'))
      .join('\n')
      .trim()
    const ok = result.status === 0
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label.padEnd(8)} ${pkg.name}`)
    if (!ok || process.env.VERBOSE) console.log(output.replace(/^/gm, '     '))
    failed ||= !ok
  }
}
const release = releaseProblems(root, publishable)
console.log(
  `${release.length ? 'FAIL' : 'ok  '} ${'release'.padEnd(8)} changeset version, in a scratch copy`,
)
for (const problem of release) console.log(`     ${problem}`)
failed ||= release.length > 0
process.exit(failed ? 1 : 0)
