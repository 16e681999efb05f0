import { defineConfig } from 'vitest/config'

/**
 * The `core` unit tests alone, for mutation testing (`npm run mutation`): the same settings as the
 * `core` project in vite.config.ts, as a single project, which is what Stryker's Vitest runner
 * expects.
 */
export default defineConfig({
  test: {
    root: 'packages/core',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
