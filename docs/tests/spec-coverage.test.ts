import { existsSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

const root = new URL('../../', import.meta.url)
const page = readFileSync(new URL('docs/guide/spec-coverage.md', root), 'utf8')

/** Every `file › test name` the page cites (a cell may chain more names with `, › name`). */
function citations(): Array<{ file: string; name: string }> {
  const found: Array<{ file: string; name: string }> = []
  for (const cell of page.matchAll(/`([\w./-]+\.test\.tsx?) › ([^`]+)`((?:, `› [^`]+`)*)/g)) {
    const [, file = '', first = '', more = ''] = cell
    found.push({ file, name: first })
    for (const next of more.matchAll(/`› ([^`]+)`/g)) found.push({ file, name: next[1] ?? '' })
  }
  return found
}

/** A cited file: under `test/` when it starts there, else beside the core's code. */
const source = (file: string) =>
  new URL(file.startsWith('test/') ? file : `packages/core/src/${file}`, root)

test('every test the spec coverage page cites exists, under that name, in that file', () => {
  const cited = citations()
  expect(cited.length).toBeGreaterThan(40)
  const missing = cited.filter(({ file, name }) => {
    const url = source(file)
    return !existsSync(url) || !readFileSync(url, 'utf8').includes(`'${name}'`)
  })
  expect(missing).toEqual([])
})

test('every conformance scenario the page cites is one the suite runs', () => {
  const runner = readFileSync(new URL('test/conformance/run.mjs', root), 'utf8')
  const scenarios = [...page.matchAll(/conformance `(auth\/[\w-]+)`/g)].map((m) => m[1] ?? '')
  expect(scenarios.length).toBeGreaterThan(5)
  expect(scenarios.filter((scenario) => !runner.includes(`'${scenario}'`))).toEqual([])
})
