/** One mutant of a Stryker report (mutation-testing-report-schema), the fields the record reads. */
export interface ReportMutant {
  id: string
  mutatorName: string
  replacement?: string
  status:
    | 'Killed'
    | 'Survived'
    | 'NoCoverage'
    | 'Timeout'
    | 'CompileError'
    | 'RuntimeError'
    | 'Ignored'
    | 'Pending'
  static?: boolean
  killedBy?: string[]
  coveredBy?: string[]
  location: { start: { line: number; column: number }; end: { line: number; column: number } }
}

export interface Report {
  files?: Record<string, { source?: string; mutants: ReportMutant[] }>
  testFiles?: Record<string, { source?: string; tests: { id: string; name: string }[] }>
}

export interface Entry {
  hash: string
  valid: number
  detected: number
  ignored: number
  score: number | null
  survivors: string[]
  tests: Record<string, string>
}

export interface MutationRecord {
  about: string
  settings: string
  testFiles: string[]
  files: Record<string, Entry>
}

/** What the record is compared with: see inputs.mjs. */
export interface Inputs {
  sources: Record<string, { hash: string; text: string }>
  tests: Record<string, { hash: string; text: string; sources: string[] }>
  settings: string
}

export interface Stale {
  file: string
  reason: string
}

export const TARGET: { overall: number; file: number }
export const ABOUT: string
export function score(detected: number, valid: number): number | null
export function describeSurvivor(mutant: ReportMutant): string
export function emptyEntry(hash: string): Entry
export function entryFromReport(options: {
  hash: string
  mutants: ReportMutant[]
  testFileOf: Map<string, string>
  testHash(file: string): string
}): Entry
export function testFileIndex(report: Report): Map<string, string>
export function entriesFromReport(
  report: Report,
  files: string[],
  inputs: Inputs,
): Record<string, Entry>
export function staleFiles(
  record: MutationRecord | null,
  inputs: Inputs,
  options?: { full?: boolean; force?: string[] },
): Stale[]
export function applyBaseline(
  stale: { file: string; reason: string }[],
  baseline: string[],
): {
  toTest: { file: string; reason: string }[]
  waived: { file: string; reason: string }[]
  cleared: string[]
}
export function mergeRecord(
  record: MutationRecord | null,
  entries: Record<string, Entry>,
  inputs: Inputs,
): MutationRecord
export function serializeRecord(record: MutationRecord): string
export function checkRecord(record: MutationRecord): {
  overall: { valid: number; detected: number; score: number | null }
  failures: string[]
}
export function formatTable(record: MutationRecord, tested?: Set<string>): string
