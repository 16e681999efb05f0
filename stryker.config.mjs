// Mutation testing of the core (`npm run mutation`, `npm run mutation:full`): Stryker changes the
// core's source one small edit at a time (a flipped condition, an emptied string, a removed call)
// and runs the core's unit tests against each change. A change no test notices is a behaviour no
// test pins down. scripts/mutation-check.mjs turns the report into a pass or a failure.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  // Every source file of the core; files without runtime code yield no mutants.
  mutate: [
    'packages/core/src/**/*.ts',
    '!packages/core/src/**/*.test.ts',
    '!packages/core/src/test-support/**',
  ],
  // Only the core and the root configuration are needed in the sandbox.
  ignorePatterns: [
    'docs',
    'playground',
    'test',
    'packages/react',
    'packages/web-components',
    'packages/*/dist',
    'reports',
  ],
  coverageAnalysis: 'perTest',
  // A run after a change tests only the mutants that the change touched, or whose tests changed.
  incremental: true,
  incrementalFile: 'scripts/mutation-incremental.json',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: {
    allowColor: false,
    logTests: false,
    reportMutants: false,
    reportScoreTable: true,
  },
  // The pass mark is applied by scripts/mutation-check.mjs (overall and per file).
  thresholds: { high: 90, low: 85, break: null },
  concurrency: 2,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
