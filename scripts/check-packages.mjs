#!/usr/bin/env node
// Lints every publishable workspace package the way a consumer would see it:
// publint (package.json fields, exports, files) and Are The Types Wrong (types per resolution
// mode, ESM-only profile). Run after `npm run build`. Exits non-zero on any problem.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

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

let failed = false
for (const { dir, pkg } of publishable) {
  if (!existsSync(join(root, dir, 'dist'))) {
    console.error(`${pkg.name}: no dist/ — run \`npm run build\` first`)
    failed = true
    continue
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
process.exit(failed ? 1 : 0)
