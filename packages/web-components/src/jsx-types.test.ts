// @vitest-environment node
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

test.each(['solid', 'preact'])(
  '%s’s JSX knows the elements: attributes, properties and events typed, mistakes refused',
  (framework) => {
    // ServerList.tsx uses the built `@mcp-oauth/web-components/<framework>` types; each wrong
    // usage in it carries an expect-error directive, so tsc fails if the typings let one through.
    const project = fileURLToPath(
      new URL(`../test-types/${framework}/tsconfig.json`, import.meta.url),
    )
    const run = () => execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
    expect(run).not.toThrow()
  },
  120_000,
)
