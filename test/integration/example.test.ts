import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

test('the README example runs end to end against the demo stack', async () => {
  const { stdout } = await promisify(execFile)('node', ['playground/examples/headless.mjs'], {
    cwd: root,
    timeout: 60_000,
  })
  expect(stdout).toContain('status: authorized')
  expect(stdout).toContain('hello from mcp-oauth')
  expect(stdout).toContain("registration: 'dynamic'")
  expect(stdout.trim().endsWith('status: disconnected')).toBe(true)
})
