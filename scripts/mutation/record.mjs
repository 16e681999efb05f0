// The mutation record (scripts/mutation-record.json): per source file of the core, the hash of
// the code that was tested, the hashes of the tests that decided its mutants' results, its counts
// and score, and its surviving mutants. A file is tested again only when one of those hashes no
// longer matches the working tree (scripts/mutation/inputs.mjs), so `npm run mutation` after a
// change runs Stryker on the changed files alone, and not at all when nothing changed.
//
// Which tests a file depends on, per mutant:
// - a killed mutant: the test files of the tests that killed it. Tests that only covered it
//   cannot undo the kill, so a change to them leaves the result standing;
// - any other mutant (survived, timed out, not covered): the test files of the tests that
//   covered it, since a change to one of them may now detect it.
// Static mutants (Stryker runs every test against them) follow the same rules: their killing
// test is known, and a change to a test that did not cover one can only raise the score.

/** The pass mark, in percent of valid mutants detected. */
export const TARGET = { overall: 85, file: 80 }

/** Mutants that say nothing about the tests: they did not compile or run, or were disabled. */
const INVALID = new Set(['CompileError', 'RuntimeError', 'Ignored'])
const DETECTED = new Set(['Killed', 'Timeout'])

export const ABOUT =
  'Mutation results of packages/core/src, per file. Written by `npm run mutation`: see the README.'

/** A score in percent, rounded down to two decimals; null without valid mutants. */
export function score(detected, valid) {
  return valid ? Math.floor((10000 * detected) / valid) / 100 : null
}

const byPath = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
const sortedObject = (entries) => Object.fromEntries([...entries].sort(([a], [b]) => byPath(a, b)))

/** One surviving mutant in a line: `line:column Mutator replacement`, shortened. */
export function describeSurvivor(mutant) {
  const { line, column } = mutant.location.start
  let replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').trim()
  if (replacement.length > 40) replacement = `${replacement.slice(0, 39)}…`
  const coverage = mutant.status === 'NoCoverage' ? ' (no test covers it)' : ''
  return `${line}:${column} ${mutant.mutatorName} ${replacement}${coverage}`
}

/** The record's entry of a file without mutants. */
export function emptyEntry(hash) {
  return { hash, valid: 0, detected: 0, ignored: 0, score: null, survivors: [], tests: {} }
}

/**
 * The record's entry of one file from a Stryker report (mutation-testing-report-schema).
 * `testFileOf` maps a test id to its file; `testHash` gives the hash to record for a test file.
 */
export function entryFromReport({ hash, mutants, testFileOf, testHash }) {
  const valid = mutants.filter((m) => !INVALID.has(m.status))
  const detected = valid.filter((m) => DETECTED.has(m.status))
  const tests = new Set()
  for (const mutant of valid) {
    const killers = mutant.status === 'Killed' ? (mutant.killedBy ?? []) : []
    const deciding = killers.length
      ? killers
      : [...(mutant.coveredBy ?? []), ...(mutant.killedBy ?? [])]
    for (const id of deciding) {
      const file = testFileOf.get(id)
      if (file) tests.add(file)
    }
  }
  const start = (m) => m.location.start
  const survivors = valid
    .filter((m) => !DETECTED.has(m.status))
    .sort((a, b) => start(a).line - start(b).line || start(a).column - start(b).column)
    .map(describeSurvivor)
  return {
    hash,
    valid: valid.length,
    detected: detected.length,
    ignored: mutants.filter((m) => m.status === 'Ignored').length,
    score: score(detected.length, valid.length),
    survivors,
    tests: sortedObject([...tests].map((file) => [file, testHash(file)])),
  }
}

/** Test id to test file, from a report's `testFiles`. */
export function testFileIndex(report) {
  const index = new Map()
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {})) {
    for (const test of tests) index.set(test.id, file)
  }
  return index
}

/**
 * The entries of `files` from a Stryker report of them, against the working tree read before the
 * run (`inputs`, see inputs.mjs). A file's hash is that of the code the report says was tested,
 * and a test's hash is the current one only if the report ran the same test code: an edit made
 * while Stryker ran leaves the file stale instead of passing for tested.
 */
export function entriesFromReport(report, files, inputs) {
  const testFileOf = testFileIndex(report)
  const testHash = (file) => {
    const current = inputs.tests[file]
    const ran = report.testFiles?.[file]?.source
    if (current && (ran === undefined || ran === current.text)) return current.hash
    return 'changed'
  }
  const entries = {}
  for (const file of files) {
    const result = report.files?.[file]
    const current = inputs.sources[file]
    const hash =
      result?.source === undefined || result.source === current?.text ? current?.hash : 'changed'
    if (!hash) continue
    entries[file] = result
      ? entryFromReport({ hash, mutants: result.mutants, testFileOf, testHash })
      : emptyEntry(hash)
  }
  return entries
}

/**
 * The source files to test again, each with the reason. `full`: every file; `force`: these
 * files too. A file is stale when it is new or changed, when a test that decided one of its
 * mutants changed or is gone, or when a test file new since the record imports it directly.
 * Every file is stale without a record or when the Stryker settings changed.
 */
export function staleFiles(record, inputs, { full = false, force = [] } = {}) {
  const stale = new Map()
  const add = (file, reason) => {
    if (!stale.has(file)) stale.set(file, reason)
  }
  const known = new Set(record?.testFiles ?? [])
  for (const file of Object.keys(inputs.sources)) {
    const entry = record?.files?.[file]
    if (full) add(file, 'full run')
    else if (force.includes(file)) add(file, 'asked for')
    else if (!record) add(file, 'no record')
    else if (record.settings !== inputs.settings) add(file, 'Stryker settings changed')
    else if (!entry) add(file, 'new')
    else if (entry.hash !== inputs.sources[file].hash) add(file, 'changed')
    else {
      const changed = Object.entries(entry.tests)
        .filter(([test, hash]) => inputs.tests[test]?.hash !== hash)
        .map(([test]) => test)
      if (changed.length) add(file, `tests changed: ${changed.join(', ')}`)
    }
  }
  if (record) {
    for (const [test, { sources }] of Object.entries(inputs.tests)) {
      if (known.has(test)) continue
      for (const file of sources) if (inputs.sources[file]) add(file, `new test: ${test}`)
    }
  }
  return [...stale].sort(([a], [b]) => byPath(a, b)).map(([file, reason]) => ({ file, reason }))
}

/**
 * The stale files the committed baseline (scripts/mutation-stale.json) lets a run pass over
 * while the record catches up after a change too large to test in one go: a listed file is
 * reported, not tested; a stale file not listed is tested as usual; a listed file that is no
 * longer stale is `cleared` and must leave the list, which therefore only shrinks.
 */
export function applyBaseline(stale, baseline) {
  const listed = new Set(baseline)
  const isStale = new Set(stale.map(({ file }) => file))
  return {
    toTest: stale.filter(({ file }) => !listed.has(file)),
    waived: stale.filter(({ file }) => listed.has(file)),
    cleared: baseline.filter((file) => !isStale.has(file)),
  }
}

/**
 * The record after a run: the new entries, the old entries of files that still exist (none if
 * the Stryker settings changed, as every file was then tested again), and today's test files.
 */
export function mergeRecord(record, entries, inputs) {
  const keep = record?.settings === inputs.settings ? (record.files ?? {}) : {}
  const files = []
  for (const file of Object.keys(inputs.sources)) {
    const entry = entries[file] ?? keep[file]
    if (entry) files.push([file, entry])
  }
  return {
    about: ABOUT,
    settings: inputs.settings,
    testFiles: Object.keys(inputs.tests).sort(byPath),
    files: sortedObject(files),
  }
}

/** The record as committed: two-space JSON, keys in a fixed order, one value a line. */
export function serializeRecord(record) {
  const files = Object.entries(record.files).map(([file, e]) => [
    file,
    {
      hash: e.hash,
      valid: e.valid,
      detected: e.detected,
      ignored: e.ignored,
      score: e.score,
      survivors: e.survivors,
      tests: sortedObject(Object.entries(e.tests)),
    },
  ])
  const ordered = {
    about: record.about,
    settings: record.settings,
    testFiles: record.testFiles,
    files: sortedObject(files),
  }
  return `${JSON.stringify(ordered, null, 2)}\n`
}

/** Whether a file's entry misses the per-file target. */
const underTarget = (entry) => 100 * entry.detected < TARGET.file * entry.valid

/** Overall counts and the files or totals under {@link TARGET}. */
export function checkRecord(record) {
  let valid = 0
  let detected = 0
  const failures = []
  for (const [file, entry] of Object.entries(record.files)) {
    valid += entry.valid
    detected += entry.detected
    if (underTarget(entry)) {
      failures.push(`${file}: ${entry.score}% < ${TARGET.file}%`)
    }
  }
  const overall = { valid, detected, score: score(detected, valid) }
  if (valid && 100 * detected < TARGET.overall * valid) {
    failures.push(`overall: ${overall.score}% < ${TARGET.overall}%`)
  }
  return { overall, failures }
}

/** The score table: files with mutants, lowest score first; `*` marks the files just tested. */
export function formatTable(record, tested = new Set()) {
  const rows = Object.entries(record.files)
    .filter(([, e]) => e.valid > 0)
    .sort(([a, x], [b, y]) => x.score - y.score || byPath(a, b))
  const lines = [
    `${'file'.padEnd(56)} ${'mutants'.padStart(7)} ${'survived'.padStart(8)} ${'score'.padStart(7)}`,
  ]
  for (const [file, e] of rows) {
    const mark = `${tested.has(file) ? '*' : ' '}${underTarget(e) ? ' BELOW' : ''}`
    lines.push(
      `${file.padEnd(56)} ${String(e.valid).padStart(7)} ${String(e.valid - e.detected).padStart(8)} ${e.score.toFixed(2).padStart(6)}% ${mark}`.trimEnd(),
    )
  }
  const { overall } = checkRecord(record)
  const without = Object.values(record.files).filter((e) => e.valid === 0).length
  lines.push(
    '',
    `overall: ${overall.detected}/${overall.valid} mutants detected, ${(overall.score ?? 100).toFixed(2)}% (target ${TARGET.overall}%, every file ${TARGET.file}%); ${rows.length} files with mutants, ${without} without`,
  )
  return lines.join('\n')
}
