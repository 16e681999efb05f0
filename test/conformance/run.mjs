#!/usr/bin/env node
// `npm run conformance`: runs the public MCP conformance suite against test/conformance/client.mjs,
// one scenario per runner process, and prints a pass table.
//
// It exits non-zero on any failure or warning that the committed baseline
// (expected-failures.json) does not list, and on any baseline entry that now passes: the
// baseline can only shrink. The runner needs Node 22, which `npx -y node@22` provides.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const runner = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js')
const results = join(here, 'results')
const NODE_22 = 'node@22.23.3'
const PARALLEL = Number(process.env.CONFORMANCE_PARALLEL ?? 4)

const BOTH = [
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
]
const LATEST_ONLY = [
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/authorization-server-migration',
  'auth/iss-supported',
  'auth/iss-not-advertised',
  'auth/iss-supported-missing',
  'auth/iss-wrong-issuer',
  'auth/iss-unexpected',
  'auth/iss-normalized',
  'auth/metadata-issuer-mismatch',
]
const LEGACY = [
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
]
/**
 * Extension scenarios (SEP-1932 DPoP) are not on the spec timeline, so the runner skips them at
 * any `--spec-version` unless forced. They run at the wire the runner itself picks for an
 * extension scenario when none is given: 2025-11-25.
 */
const EXTENSIONS = ['auth/dpop', 'auth/dpop-nonce']

const runs = [
  ...BOTH.flatMap((scenario) => [
    { scenario, wire: '2025-11-25' },
    { scenario, wire: '2026-07-28' },
  ]),
  ...LATEST_ONLY.map((scenario) => ({ scenario, wire: '2026-07-28' })),
  ...LEGACY.map((scenario) => ({ scenario, wire: '2025-03-26' })),
  ...EXTENSIONS.map((scenario) => ({ scenario, wire: '2025-11-25', force: true })),
]
const key = (run) => `${run.scenario}@${run.wire}`

if (!existsSync(join(root, 'packages/core/dist/index.js'))) {
  console.error('packages/core/dist is missing: run `npm run build` first.')
  process.exit(1)
}
const baseline = JSON.parse(readFileSync(join(here, 'expected-failures.json'), 'utf8'))
const expected = new Map(Object.entries(baseline.runs ?? {}))
for (const entry of expected.keys()) {
  if (!runs.some((run) => key(run) === entry)) {
    console.error(`expected-failures.json names an unknown run: ${entry}`)
    process.exit(1)
  }
}

rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })

/** Runs one scenario at one wire; resolves with its checks and the runner's exit code. */
function runOne(run) {
  const dir = join(results, key(run).replaceAll('/', '_'))
  mkdirSync(dir, { recursive: true })
  const args = [
    '-y',
    NODE_22,
    runner,
    'client',
    '--command',
    `node ${join(here, 'client.mjs')}`,
    '--scenario',
    run.scenario,
    '--spec-version',
    run.wire,
    '-o',
    dir,
    ...(run.force ? ['--force'] : []),
  ]
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('close', (code) => {
      const checks = readChecks(dir)
      resolve({ run, code, checks, output })
    })
  })
}

function readChecks(dir) {
  const found = []
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name === 'checks.json') found.push(...JSON.parse(readFileSync(full, 'utf8')))
    }
  }
  walk(dir)
  return found
}

const outcomes = []
const queue = [...runs]
await Promise.all(
  Array.from({ length: PARALLEL }, async () => {
    while (queue.length) outcomes.push(await runOne(queue.shift()))
  }),
)
outcomes.sort((a, b) => runs.indexOf(a.run) - runs.indexOf(b.run))

let passed = 0
const unexpected = []
const stale = []
const rows = []
for (const { run, code, checks, output } of outcomes) {
  const count = (status) => checks.filter((check) => check.status === status).length
  const failures = count('FAILURE')
  const warnings = count('WARNING')
  const ok = code === 0 && checks.length > 0 && failures === 0 && warnings === 0
  if (ok) passed++
  const baselined = expected.has(key(run))
  let verdict = ok ? 'pass' : 'FAIL'
  if (!ok && baselined) verdict = 'expected'
  if (!ok && !baselined) unexpected.push({ run, checks, output })
  if (ok && baselined) {
    verdict = 'STALE'
    stale.push(key(run))
  }
  rows.push([
    run.scenario,
    run.wire,
    String(count('SUCCESS')),
    String(failures),
    String(warnings),
    verdict,
  ])
}

const header = ['scenario', 'wire', 'ok', 'failed', 'warnings', 'result']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ')
console.log(line(header))
console.log(widths.map((w) => '-'.repeat(w)).join('  '))
for (const row of rows) console.log(line(row))
console.log(`\nconformance: ${passed}/${runs.length} runs pass (${expected.size} in the baseline)`)

for (const { run, checks, output } of unexpected) {
  console.log(`\n✗ ${key(run)} failed:`)
  const bad = checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING')
  for (const check of bad) console.log(`  [${check.status}] ${check.id}: ${check.description}`)
  if (bad.length === 0) console.log(output.split('\n').slice(-25).join('\n'))
}
for (const entry of stale) {
  console.log(`\n✗ ${entry} passes now: remove it from test/conformance/expected-failures.json`)
}
process.exit(unexpected.length || stale.length ? 1 : 0)
