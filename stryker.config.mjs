// Mutation testing of the core (`npm run mutation`, see scripts/mutation.mjs): Stryker changes
// the core's source one small edit at a time (a flipped condition, an emptied string, a removed
// call) and runs the core's unit tests against each change. A change no test notices is a
// behaviour no test pins down. scripts/mutation.mjs passes `--mutate` with the files whose
// results in scripts/mutation-record.json are out of date, and keeps the pass mark.
import { MUTATE } from './scripts/mutation/scope.mjs'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  // Every source file of the core (what `npx stryker run` alone mutates); files without runtime
  // code yield no mutants.
  mutate: MUTATE,
  // Only the core and the root configuration are needed in the sandbox.
  ignorePatterns: [
    'docs',
    'playground',
    'test',
    'scripts',
    'packages/react',
    'packages/web-components',
    'packages/*/dist',
    'reports',
  ],
  coverageAnalysis: 'perTest',
  // No incremental file: the record (scripts/mutation-record.json) decides what to test again,
  // and whatever it passes to `--mutate` is tested in full.
  incremental: false,
  reporters: ['progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The pass mark is applied by scripts/mutation.mjs (overall and per file).
  thresholds: { high: 90, low: 85, break: null },
  concurrency: 2,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
