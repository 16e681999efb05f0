import { defineConfig } from 'vitest/config'

/**
 * One Vitest project per layer:
 * - `core`: unit tests beside the code, HTTP mocked with msw, no real network.
 * - `react`, `web-components`: binding tests beside the code, in happy-dom.
 * - `integration`: Node against the real loopback demo stack (oidc-provider + MCP SDK servers).
 * - `e2e`: real Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
 * - `docs`: the documentation's code samples type-check, and its tables cover the public types.
 * - `apps`: real apps installed from `npm pack` tarballs, built with their own tooling, in Chromium.
 * - `scripts`: the repository's own tooling (the mutation record), on plain fixtures.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          root: 'packages/core',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'react',
          root: 'packages/react',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'web-components',
          root: 'packages/web-components',
          include: ['src/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'integration',
          root: 'test',
          include: ['integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: 'test',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'docs',
          root: 'docs',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'apps',
          root: 'test',
          include: ['apps/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'scripts',
          root: 'scripts',
          include: ['**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
})
