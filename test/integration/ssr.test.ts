import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url)

/** Runs a module script in a fresh Node process: no DOM, no test environment globals. */
async function node(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('./', root).pathname,
  })
  return stdout.trim()
}

/** Every entry a package exports, read from its built `exports` map. */
function entriesOf(pkg: string): string[] {
  const manifest = JSON.parse(
    readFileSync(new URL(`packages/${pkg}/package.json`, root), 'utf8'),
  ) as { name: string; exports: Record<string, unknown> }
  return Object.keys(manifest.exports)
    .filter((key) => !key.endsWith('package.json'))
    .map((key) => manifest.name + key.slice(1))
}

test.each([...entriesOf('core'), ...entriesOf('react')])(
  '%s imports in plain Node with no DOM',
  async (entry) => {
    const out = await node(
      `const m = await import(${JSON.stringify(entry)}); console.log(typeof window, Object.keys(m).length > 0)`,
    )
    expect(out).toBe('undefined true')
  },
)

test('createMcpAuth in Node opens no storage and touches no window until it is used', async () => {
  // A server with IndexedDB (a polyfill, a worker-like runtime): creating the instance and its
  // handles must open nothing; only the first real operation may.
  const out = await node(`
    const opened = []
    globalThis.indexedDB = { open: (name) => { opened.push(name); throw new Error('no IndexedDB here') } }
    const { createMcpAuth } = await import('@mcp-oauth/core')
    const auth = createMcpAuth({ redirectUri: 'https://app.example/oauth/callback' })
    const server = auth.server('https://mcp.example.com/mcp')
    await new Promise((resolve) => setTimeout(resolve, 20))
    console.log(JSON.stringify({ opened, status: server.getSnapshot().status, window: typeof window }))
  `)
  expect(JSON.parse(out)).toEqual({ opened: [], status: 'unknown', window: 'undefined' })
})
