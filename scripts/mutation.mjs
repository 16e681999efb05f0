#!/usr/bin/env node
// Mutation testing of the core against the committed record (scripts/mutation-record.json):
//
//   npm run mutation                      test again only what changed since the record
//   npm run mutation -- <source file>...  these files too
//   npm run mutation:full                 every file (`--full`)
//   node scripts/mutation.mjs --from <report.json>
//                                         the results of a Stryker JSON report (or incremental
//                                         file) taken into the record, no run
//   npm run mutation -- --write-baseline  drops from scripts/mutation-stale.json the files that
//                                         are no longer stale (never adds one), no run
//
// Stryker runs with `--mutate` limited to the stale files (scripts/mutation/record.mjs says which
// and why), then the record takes their new results, the score table is printed, and the script
// fails under 85% of all mutants detected or under 80% in any file. Nothing stale: no Stryker run.
//
// While the record catches up with a change too large to test in one run, the committed baseline
// scripts/mutation-stale.json lists the stale files a run (CI's too) passes over: they are
// reported, not tested. It may only shrink: a listed file that is no longer stale fails the run
// until `--write-baseline` drops it, and nothing ever adds one.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readInputs, wiringOnly } from './mutation/inputs.mjs'
import {
  applyBaseline,
  checkRecord,
  emptyEntry,
  entriesFromReport,
  formatTable,
  mergeRecord,
  serializeRecord,
  staleFiles,
} from './mutation/record.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const recordFile = join(root, 'scripts', 'mutation-record.json')
const baselineFile = join(root, 'scripts', 'mutation-stale.json')
const reportFile = join(root, 'reports', 'mutation', 'mutation.json')
const BASELINE_ABOUT =
  'Stale files of scripts/mutation-record.json that `npm run mutation` may pass over. It only shrinks: see scripts/mutation.mjs.'
const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js')

const args = process.argv.slice(2)
const full = args.includes('--full')
const writeBaseline = args.includes('--write-baseline')
const fromAt = args.indexOf('--from')
const from = fromAt >= 0 ? args[fromAt + 1] : undefined
const force = args
  .filter((arg, i) => !arg.startsWith('--') && (fromAt < 0 || i !== fromAt + 1))
  .map((arg) => relative(root, resolve(arg)).split(sep).join('/'))

const inputs = await readInputs(root)
const unknown = force.filter((file) => !inputs.sources[file])
if (unknown.length) {
  console.error(`Not a source file of the core: ${unknown.join(', ')}`)
  process.exit(2)
}
const before = existsSync(recordFile) ? readFileSync(recordFile, 'utf8') : undefined
const record = before === undefined ? null : JSON.parse(before)
/** The stale files a run may pass over (see above); none without the file. */
const baseline = existsSync(baselineFile)
  ? JSON.parse(readFileSync(baselineFile, 'utf8')).files
  : []

if (writeBaseline) {
  const { waived } = applyBaseline(staleFiles(record, inputs), baseline)
  const files = waived.map(({ file }) => file)
  writeFileSync(baselineFile, `${JSON.stringify({ about: BASELINE_ABOUT, files }, null, 2)}\n`)
  console.log(`${relative(root, baselineFile)}: ${baseline.length} → ${files.length} files.`)
  process.exit(0)
}

/** Runs Stryker on `files` and returns its report. */
function runStryker(files) {
  rmSync(reportFile, { force: true })
  const run = spawnSync(process.execPath, [stryker, 'run', '--mutate', files.join(',')], {
    cwd: root,
    stdio: 'inherit',
  })
  if (run.status !== 0) {
    console.error(`Stryker failed (exit ${run.status ?? run.signal}); the record is unchanged.`)
    process.exit(run.status || 1)
  }
  return JSON.parse(readFileSync(reportFile, 'utf8'))
}

let entries = {}
let tested = []
if (from) {
  const report = JSON.parse(readFileSync(resolve(from), 'utf8'))
  tested = Object.keys(inputs.sources).filter(
    (file) => report.files?.[file] || wiringOnly(inputs.sources[file].text),
  )
  entries = entriesFromReport(report, tested, inputs)
} else {
  const stale = staleFiles(record, inputs, { full, force })
  // A full run or named files are tested whatever the baseline says.
  const { toTest, waived } =
    full || force.length ? { toTest: stale, waived: [] } : applyBaseline(stale, baseline)
  for (const { file, reason } of toTest) console.log(`stale: ${file} (${reason})`)
  if (waived.length) {
    console.log(
      `Not tested again yet, as ${relative(root, baselineFile)} allows: ${waived.length} stale files.`,
    )
  }
  tested = toTest.map(({ file }) => file)
  const toRun = []
  for (const file of tested) {
    const { hash, text } = inputs.sources[file]
    if (wiringOnly(text)) entries[file] = emptyEntry(hash)
    else toRun.push(file)
  }
  if (toRun.length) {
    console.log(`Stryker on ${toRun.length} of ${Object.keys(inputs.sources).length} files`)
    Object.assign(entries, entriesFromReport(runStryker(toRun), toRun, inputs))
  }
}

const next = mergeRecord(record, entries, inputs)
const text = serializeRecord(next)
console.log(formatTable(next, new Set(tested)))
if (text !== before) {
  writeFileSync(recordFile, text)
  console.log(`\nWrote ${relative(root, recordFile)}: commit it with the change it tests.`)
} else {
  console.log(`\n${relative(root, recordFile)} is up to date.`)
}
const left = staleFiles(next, inputs).map(({ file }) => file)
if (left.length) console.log(`Still to test: ${left.join(', ')}`)

// The baseline only shrinks: a listed file that is no longer stale must leave it.
const { cleared } = applyBaseline(staleFiles(next, inputs), baseline)
if (cleared.length) {
  console.error(
    `\nNo longer stale, still in ${relative(root, baselineFile)}: ${cleared.join(', ')}.\nRun \`npm run mutation -- --write-baseline\` and commit the file.`,
  )
  process.exitCode = 1
}

const { failures } = checkRecord(next)
if (failures.length) {
  console.error(`\nMutation score under the target:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
