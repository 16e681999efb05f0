import { describe, expect, test } from 'vitest'
import {
  applyBaseline,
  checkRecord,
  entriesFromReport,
  formatTable,
  type Inputs,
  type MutationRecord,
  mergeRecord,
  type Report,
  type ReportMutant,
  serializeRecord,
  staleFiles,
} from './record.mjs'

const A = 'packages/core/src/a.ts'
const B = 'packages/core/src/b.ts'
const TYPES = 'packages/core/src/types.ts'
const A_TEST = 'packages/core/src/a.test.ts'
const FLOW_TEST = 'packages/core/src/flow.test.ts'

/** The working tree: a.ts and b.ts with code, types.ts without, a unit test and a flow test. */
function tree(): Inputs {
  return {
    settings: 'settings-1',
    sources: {
      [A]: { hash: 'a-1', text: 'a code' },
      [B]: { hash: 'b-1', text: 'b code' },
      [TYPES]: { hash: 'types-1', text: 'types' },
    },
    tests: {
      [A_TEST]: { hash: 'a-test-1', text: 'a test', sources: [A] },
      [FLOW_TEST]: { hash: 'flow-1', text: 'flow test', sources: [] },
    },
  }
}

let nextId = 0
function mutant(status: ReportMutant['status'], more: Partial<ReportMutant> = {}): ReportMutant {
  nextId += 1
  return {
    id: String(nextId),
    mutatorName: 'ConditionalExpression',
    replacement: 'false',
    status,
    location: { start: { line: nextId, column: 3 }, end: { line: nextId, column: 9 } },
    ...more,
  }
}

/** Test ids: 1 and 2 in a.test.ts, 3 and 4 in the flow test. */
const testFiles: NonNullable<Report['testFiles']> = {
  [A_TEST]: {
    source: 'a test',
    tests: [
      { id: '1', name: 'one' },
      { id: '2', name: 'two' },
    ],
  },
  [FLOW_TEST]: {
    source: 'flow test',
    tests: [
      { id: '3', name: 'three' },
      { id: '4', name: 'four' },
    ],
  },
}

/**
 * a.ts: one mutant killed by a.test.ts though the flow test covers it too, one survivor the flow
 * test covers. b.ts: a static mutant the flow test killed, and one disabled mutant.
 */
function report(): Report {
  return {
    files: {
      [A]: {
        source: 'a code',
        mutants: [
          mutant('Killed', { killedBy: ['1'], coveredBy: ['1', '3'] }),
          mutant('Survived', { coveredBy: ['4'] }),
        ],
      },
      [B]: {
        source: 'b code',
        mutants: [
          mutant('Killed', { static: true, killedBy: ['3'], coveredBy: [] }),
          mutant('Ignored'),
        ],
      },
    },
    testFiles,
  }
}

/** The record after testing a.ts and b.ts (types.ts recorded without a run). */
function recorded(inputs = tree()): MutationRecord {
  const entries = entriesFromReport(report(), [A, B, TYPES], inputs)
  return mergeRecord(null, entries, inputs)
}

describe('what a run records', () => {
  test('per file: valid and detected mutants, disabled ones apart, score, survivors', () => {
    const { files } = recorded()
    expect(files[A]).toMatchObject({ hash: 'a-1', valid: 2, detected: 1, ignored: 0, score: 50 })
    expect(files[A]?.survivors).toEqual(['2:3 ConditionalExpression false'])
    expect(files[B]).toMatchObject({ valid: 1, detected: 1, ignored: 1, score: 100, survivors: [] })
    expect(files[TYPES]).toMatchObject({ valid: 0, detected: 0, score: null, tests: {} })
  })

  test('a killed mutant depends on its killing test; a survivor on the tests that covered it', () => {
    const { files } = recorded()
    expect(files[A]?.tests).toEqual({ [A_TEST]: 'a-test-1', [FLOW_TEST]: 'flow-1' })
    // The static mutant of b.ts ran against every test; the flow test killed it.
    expect(files[B]?.tests).toEqual({ [FLOW_TEST]: 'flow-1' })
  })

  test('timeouts count as detected, mutants that did not compile not at all', () => {
    const inputs = tree()
    const timeouts: Report = {
      files: {
        [A]: {
          source: 'a code',
          mutants: [
            mutant('Timeout', { coveredBy: ['3'] }),
            mutant('CompileError'),
            mutant('NoCoverage', { replacement: `"${'x'.repeat(60)}"` }),
          ],
        },
      },
      testFiles,
    }
    const entry = entriesFromReport(timeouts, [A], inputs)[A]
    expect(entry).toMatchObject({
      valid: 2,
      detected: 1,
      score: 50,
      tests: { [FLOW_TEST]: 'flow-1' },
    })
    expect(entry?.survivors).toEqual([
      `${nextId}:3 ConditionalExpression "${'x'.repeat(38)}… (no test covers it)`,
    ])
  })

  test('survivors are listed by line and column, whatever order Stryker reported them in', () => {
    const at = (line: number, column: number) => ({
      start: { line, column },
      end: { line, column },
    })
    const unordered: Report = {
      files: {
        [A]: {
          source: 'a code',
          mutants: [
            mutant('Survived', { location: at(9, 1) }),
            mutant('Survived', { location: at(2, 7) }),
            mutant('Survived', { location: at(2, 5) }),
          ],
        },
      },
      testFiles,
    }
    expect(entriesFromReport(unordered, [A], tree())[A]?.survivors).toEqual([
      '2:5 ConditionalExpression false',
      '2:7 ConditionalExpression false',
      '9:1 ConditionalExpression false',
    ])
  })

  test('code edited while Stryker ran is recorded as changed, so the next run tests it again', () => {
    const inputs = tree()
    const ran = report()
    ran.files![A]!.source = 'a code before the edit'
    ran.testFiles = {
      ...testFiles,
      [FLOW_TEST]: { source: 'older flow test', tests: testFiles[FLOW_TEST]!.tests },
    }
    const record = mergeRecord(null, entriesFromReport(ran, [A, B, TYPES], inputs), inputs)
    expect(staleFiles(record, inputs)).toEqual([
      { file: A, reason: 'changed' },
      { file: B, reason: `tests changed: ${FLOW_TEST}` },
    ])
  })

  test('a file Stryker found no mutants in is recorded with none', () => {
    const inputs = tree()
    const entries = entriesFromReport({ files: {}, testFiles }, [B], inputs)
    expect(entries[B]).toMatchObject({ hash: 'b-1', valid: 0, score: null })
  })
})

describe('what is stale', () => {
  test('nothing, when the tree is what the record tested', () => {
    expect(staleFiles(recorded(), tree())).toEqual([])
  })

  test('a changed file, and a new one; nothing else', () => {
    const inputs = tree()
    const record = recorded()
    inputs.sources[A]!.hash = 'a-2'
    inputs.sources['packages/core/src/c.ts'] = { hash: 'c-1', text: 'c' }
    expect(staleFiles(record, inputs)).toEqual([
      { file: A, reason: 'changed' },
      { file: 'packages/core/src/c.ts', reason: 'new' },
    ])
  })

  test('a changed test makes stale the files whose results it decided', () => {
    const inputs = tree()
    const record = recorded()
    inputs.tests[FLOW_TEST]!.hash = 'flow-2'
    expect(staleFiles(record, inputs)).toEqual([
      { file: A, reason: `tests changed: ${FLOW_TEST}` },
      { file: B, reason: `tests changed: ${FLOW_TEST}` },
    ])
  })

  test('a test that only covered killed mutants changes: the kills stand', () => {
    const inputs = tree()
    const onlyKilled = report()
    onlyKilled.files![A]!.mutants = [
      mutant('Killed', { killedBy: ['1'], coveredBy: ['1', '3', '4'] }),
    ]
    const record = mergeRecord(null, entriesFromReport(onlyKilled, [A, B, TYPES], inputs), inputs)
    inputs.tests[FLOW_TEST]!.hash = 'flow-2'
    expect(staleFiles(record, inputs).map((s) => s.file)).toEqual([B])
    inputs.tests[A_TEST]!.hash = 'a-test-2'
    expect(staleFiles(record, inputs).map((s) => s.file)).toEqual([A, B])
  })

  test('a deleted test makes stale the files it decided', () => {
    const inputs = tree()
    const record = recorded()
    delete inputs.tests[A_TEST]
    expect(staleFiles(record, inputs)).toEqual([{ file: A, reason: `tests changed: ${A_TEST}` }])
  })

  test('a new test file makes stale the source files it imports, once', () => {
    const inputs = tree()
    const record = recorded()
    inputs.tests['packages/core/src/b.test.ts'] = { hash: 'b-test-1', text: '', sources: [B] }
    expect(staleFiles(record, inputs)).toEqual([
      { file: B, reason: 'new test: packages/core/src/b.test.ts' },
    ])
    const after = mergeRecord(record, {}, inputs)
    expect(after.testFiles).toContain('packages/core/src/b.test.ts')
    expect(staleFiles(after, inputs)).toEqual([])
  })

  test('every file, without a record or after a change of Stryker settings', () => {
    const files = [A, B, TYPES]
    expect(staleFiles(null, tree()).map((s) => s.file)).toEqual(files)
    const inputs = tree()
    inputs.settings = 'settings-2'
    expect(staleFiles(recorded(), inputs)).toEqual(
      files.map((file) => ({ file, reason: 'Stryker settings changed' })),
    )
  })

  test('every file on a full run; files asked for on any run', () => {
    expect(staleFiles(recorded(), tree(), { full: true }).map((s) => s.file)).toEqual([A, B, TYPES])
    expect(staleFiles(recorded(), tree(), { force: [B] })).toEqual([
      { file: B, reason: 'asked for' },
    ])
  })
})

describe('merging a run into the record', () => {
  test('new results replace old ones; the other files keep theirs; deleted files drop out', () => {
    const inputs = tree()
    const record = recorded()
    delete inputs.sources[TYPES]
    inputs.sources[A]!.hash = 'a-2'
    const again: Report = {
      files: { [A]: { source: 'a code', mutants: [mutant('Killed', { killedBy: ['2'] })] } },
      testFiles,
    }
    const merged = mergeRecord(record, entriesFromReport(again, [A], inputs), inputs)
    expect(Object.keys(merged.files)).toEqual([A, B])
    expect(merged.files[A]).toMatchObject({ hash: 'a-2', valid: 1, detected: 1, score: 100 })
    expect(merged.files[B]).toEqual(record.files[B])
    expect(staleFiles(merged, inputs)).toEqual([])
  })

  test('after a change of Stryker settings, no old result is kept', () => {
    const inputs = tree()
    inputs.settings = 'settings-2'
    const merged = mergeRecord(recorded(), {}, inputs)
    expect(merged.settings).toBe('settings-2')
    expect(merged.files).toEqual({})
  })

  test('the committed text does not depend on the order results came in', () => {
    const record = recorded()
    const shuffled: MutationRecord = {
      files: Object.fromEntries(
        Object.entries(record.files)
          .reverse()
          .map(([file, e]) => [
            file,
            {
              tests: Object.fromEntries(Object.entries(e.tests).reverse()),
              survivors: e.survivors,
              score: e.score,
              ignored: e.ignored,
              detected: e.detected,
              valid: e.valid,
              hash: e.hash,
            },
          ]),
      ),
      testFiles: record.testFiles,
      settings: record.settings,
      about: record.about,
    }
    expect(serializeRecord(shuffled)).toBe(serializeRecord(record))
    expect(serializeRecord(record).split('\n').slice(0, 4)).toEqual([
      '{',
      `  "about": "${record.about}",`,
      '  "settings": "settings-1",',
      '  "testFiles": [',
    ])
  })
})

describe('the pass mark', () => {
  const withScores = (...files: [valid: number, detected: number][]): MutationRecord => ({
    about: '',
    settings: '',
    testFiles: [],
    files: Object.fromEntries(
      files.map(([valid, detected], i) => [
        `f${i}.ts`,
        {
          hash: '',
          valid,
          detected,
          ignored: 0,
          score: valid ? (100 * detected) / valid : null,
          survivors: [],
          tests: {},
        },
      ]),
    ),
  })

  test('80% in a file passes; just under fails, whatever the overall score', () => {
    expect(checkRecord(withScores([10, 8], [1000, 1000])).failures).toEqual([])
    expect(checkRecord(withScores([10_000, 7_999], [100_000, 100_000])).failures).toEqual([
      'f0.ts: 79.99% < 80%',
    ])
  })

  test('85% overall passes; just under fails though every file is over 80%', () => {
    expect(checkRecord(withScores([100, 85], [100, 85])).failures).toEqual([])
    const under = checkRecord(withScores([1000, 849], [1000, 850]))
    expect(under.overall).toEqual({ valid: 2000, detected: 1699, score: 84.95 })
    expect(under.failures).toEqual(['overall: 84.95% < 85%'])
  })

  test('files without mutants neither pass nor fail', () => {
    expect(checkRecord(withScores([0, 0], [20, 20])).failures).toEqual([])
    expect(formatTable(withScores([0, 0], [20, 17]))).toContain('1 files with mutants, 1 without')
  })

  test('the table marks files under the mark and the files just tested', () => {
    const table = formatTable(withScores([10, 7], [10, 10]), new Set(['f1.ts']))
    const [, first, second] = table.split('\n')
    expect(first).toMatch(/^f0\.ts +10 +3 +70\.00% +BELOW$/)
    expect(second).toMatch(/^f1\.ts +10 +0 +100\.00% \*$/)
  })
})

describe('the baseline of stale files', () => {
  const stale = [
    { file: A, reason: 'changed' },
    { file: B, reason: 'new' },
  ]

  test('listed stale files are passed over, the others tested', () => {
    expect(applyBaseline(stale, [B])).toEqual({
      toTest: [{ file: A, reason: 'changed' }],
      waived: [{ file: B, reason: 'new' }],
      cleared: [],
    })
  })

  test('a listed file that is no longer stale is cleared, to leave the list', () => {
    expect(applyBaseline([stale[0]!], [A, B])).toEqual({
      toTest: [],
      waived: [{ file: A, reason: 'changed' }],
      cleared: [B],
    })
  })

  test('without a baseline every stale file is tested', () => {
    expect(applyBaseline(stale, [])).toEqual({ toTest: stale, waived: [], cleared: [] })
  })
})
