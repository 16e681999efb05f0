#!/usr/bin/env node
// Reads the mutation report that `stryker run` wrote (reports/mutation/mutation.json) and fails
// when the core's tests catch fewer mutants than they must.
//
// The targets: 85% of all mutants detected (killed or timed out), and 80% in every file. Until
// the tests reach them, the committed baseline (scripts/mutation-baseline.json) holds the scores
// reached so far, overall and per file, and may only rise: the check fails when the overall score
// or any file's score falls below min(target, baseline). `--write-baseline` raises the baseline to
// the current scores (never lowers one) and drops the files that meet the target.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const reportFile = join(root, 'reports', 'mutation', 'mutation.json')
const baselineFile = join(root, 'scripts', 'mutation-baseline.json')
const TARGET = { overall: 85, file: 80 }
/** Mutants that say nothing about the tests: they did not compile or run, or were ignored. */
const INVALID = new Set(['CompileError', 'RuntimeError', 'Ignored'])
const DETECTED = new Set(['Killed', 'Timeout'])

const report = JSON.parse(readFileSync(reportFile, 'utf8'))
/** `{ overall?: score, files: { [path]: score } }`, in percent, for scores under target. */
const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'))
baseline.files ??= {}

const score = (mutants) => {
  const valid = mutants.filter((m) => !INVALID.has(m.status))
  const detected = valid.filter((m) => DETECTED.has(m.status)).length
  return {
    valid: valid.length,
    detected,
    score: valid.length ? (100 * detected) / valid.length : 100,
  }
}
const round = (value) => Math.floor(value * 100) / 100

const rows = Object.entries(report.files)
  .map(([file, { mutants }]) => ({ file: relative(root, join(root, file)), ...score(mutants) }))
  .filter((row) => row.valid > 0)
  .sort((a, b) => a.score - b.score)
const overall = score(Object.values(report.files).flatMap((f) => f.mutants))

const failures = []
const need = (target, held) => Math.min(target, held ?? target)
const status = (value, target, held) => {
  if (value >= target) return 'ok'
  return round(value) >= need(target, held) ? 'baseline' : 'BELOW'
}

console.log(`${'file'.padEnd(52)} ${'mutants'.padStart(7)} ${'score'.padStart(7)}  baseline`)
for (const row of rows) {
  const held = baseline.files[row.file]
  const mark = status(row.score, TARGET.file, held)
  if (mark === 'BELOW')
    failures.push(`${row.file}: ${round(row.score)}% < ${need(TARGET.file, held)}%`)
  console.log(
    `${row.file.padEnd(52)} ${String(row.valid).padStart(7)} ${round(row.score).toFixed(2).padStart(6)}%  ${held ?? '-'} ${mark}`,
  )
}
const overallMark = status(overall.score, TARGET.overall, baseline.overall)
if (overallMark === 'BELOW') {
  failures.push(`overall: ${round(overall.score)}% < ${need(TARGET.overall, baseline.overall)}%`)
}
console.log(
  `\noverall: ${overall.detected}/${overall.valid} mutants detected, ${round(overall.score).toFixed(2)}% (target ${TARGET.overall}%, every file ${TARGET.file}%; baseline ${baseline.overall ?? '-'}) ${overallMark}`,
)
const underTarget = rows.filter((row) => row.score < TARGET.file).length
console.log(`${underTarget} of ${rows.length} files under ${TARGET.file}%`)

if (process.argv.includes('--write-baseline')) {
  const next = { files: {} }
  if (overall.score < TARGET.overall) {
    next.overall = Math.max(round(overall.score), baseline.overall ?? 0)
  }
  for (const row of rows) {
    if (row.score >= TARGET.file) continue
    next.files[row.file] = Math.max(round(row.score), baseline.files[row.file] ?? 0)
  }
  writeFileSync(baselineFile, `${JSON.stringify(next, null, 2)}\n`)
  console.log(`Wrote ${relative(root, baselineFile)}`)
} else if (failures.length) {
  console.error(`\nMutation score fell below the baseline:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
