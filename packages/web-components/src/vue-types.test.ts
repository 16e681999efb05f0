// @vitest-environment node
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const project = fileURLToPath(new URL('../test-types/vue/tsconfig.json', import.meta.url))
const vueTsc = createRequire(import.meta.url).resolve('vue-tsc/bin/vue-tsc.js')

test('Vue’s template checker knows the elements: props and events typed, mistakes refused', () => {
  // ServerList.vue uses the built `@mcp-oauth/web-components/vue` types; each wrong usage in
  // it is marked @vue-expect-error, so vue-tsc fails if the typings let one through.
  const run = () => execFileSync(process.execPath, [vueTsc, '-p', project], { encoding: 'utf8' })
  expect(run).not.toThrow()
}, 120_000)
