// What mutation testing covers: the core's source files are mutated, the core's unit tests judge
// the mutants. Read by stryker.config.mjs (the files Stryker may mutate) and by the record
// (scripts/mutation/inputs.mjs: which files it tracks), so that the two never disagree.

/** The folder whose source files are mutated, relative to the repository root. */
export const SOURCE_ROOT = 'packages/core/src'

/** Stryker's `mutate` patterns: every source file of the core, not its tests or test support. */
export const MUTATE = [
  `${SOURCE_ROOT}/**/*.ts`,
  `!${SOURCE_ROOT}/**/*.test.ts`,
  `!${SOURCE_ROOT}/test-support/**`,
]

/** The same set as {@link MUTATE}, as a test on a repository-relative POSIX path. */
export function isSource(path) {
  return (
    path.startsWith(`${SOURCE_ROOT}/`) &&
    path.endsWith('.ts') &&
    !isTest(path) &&
    !path.startsWith(`${SOURCE_ROOT}/test-support/`)
  )
}

/** The core's unit tests, as vitest.stryker.config.ts includes them (`src/**\/*.test.ts`). */
export function isTest(path) {
  return path.startsWith(`${SOURCE_ROOT}/`) && path.endsWith('.test.ts')
}
