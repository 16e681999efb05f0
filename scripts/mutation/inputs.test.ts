import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { testGraph, wiringOnly } from './inputs.mjs'

describe('files without mutants', () => {
  test('types, imports and re-exports are wiring only', () => {
    expect(wiringOnly('export interface A { b: string }\nexport type C = A | null\n')).toBe(true)
    expect(
      wiringOnly(
        "import { a } from './a.js'\nimport * as b from './b.js'\nexport { a, b }\nexport * from './c.js'\nexport * as d from './d.js'\nexport { e as f } from './e.js'\nexport type { G } from './g.js'\n",
      ),
    ).toBe(true)
  })

  test('any code is not, not even a constant', () => {
    expect(wiringOnly("export { a } from './a.js'\nexport const b = 1\n")).toBe(false)
    expect(wiringOnly("import './polyfill.js'\nconsole.log('x')\n")).toBe(false)
    expect(wiringOnly('export enum E { A }\n')).toBe(false)
  })
})

describe("a test's inputs", () => {
  const root = mkdtempSync(join(tmpdir(), 'mutation-graph-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  write('packages/core/src/a.ts', "import { c } from './c.js'\nexport const a = () => c\n")
  write('packages/core/src/c.ts', 'export const c = 1\n')
  write(
    'packages/core/src/test-support/world.ts',
    "import { a } from '../a.js'\nimport { fake } from './fake.js'\nexport const world = () => [a, fake]\n",
  )
  write('packages/core/src/test-support/fake.ts', 'export const fake = 2\n')
  write('packages/core/src/test-support/types.ts', 'export interface Only { type: true }\n')
  write(
    'packages/world/package.json',
    '{ "name": "@mcp-oauth/world", "type": "module", "exports": "./index.ts" }\n',
  )
  write(
    'packages/world/index.ts',
    "import { built } from '@mcp-oauth/core'\nexport const shared = built\n",
  )
  write(
    'packages/core/package.json',
    '{ "name": "@mcp-oauth/core", "type": "module", "exports": "./dist/index.js" }\n',
  )
  write('packages/core/dist/index.js', 'export const built = 3\n')
  mkdirSync(join(root, 'node_modules/@mcp-oauth'), { recursive: true })
  symlinkSync('../../packages/world', join(root, 'node_modules/@mcp-oauth/world'), 'dir')
  symlinkSync('../../packages/core', join(root, 'node_modules/@mcp-oauth/core'), 'dir')
  write(
    'packages/core/src/a.test.ts',
    "import { shared } from '@mcp-oauth/world'\nimport { expect, test } from 'vitest'\nimport { a } from './a.js'\nimport type { Only } from './test-support/types.js'\nimport { world } from './test-support/world.js'\nconst only: Only = { type: true }\ntest('a', () => expect([a(), world(), shared, only]).toBeTruthy())\n",
  )

  test('itself first, then the test support it runs, followed through; no product code', async () => {
    const graph = await testGraph(root, ['packages/core/src/a.test.ts'])
    expect(graph['packages/core/src/a.test.ts']).toEqual({
      files: [
        'packages/core/src/a.test.ts',
        'packages/core/src/test-support/fake.ts',
        'packages/core/src/test-support/world.ts',
        'packages/world/index.ts',
      ],
      sources: ['packages/core/src/a.ts'],
    })
  })
})
