import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { EXPECTED_RESPONSES } from '../../test/apps/support/expected.js'

const page = readFileSync(new URL('../guide/debugging.md', import.meta.url), 'utf8')
const section = page.slice(page.indexOf('## What the browser console shows'))

/** The console table's rows: status, request, why. */
const rows = section
  .split('\n')
  .filter((line) => /^\| `\d{3}`/.test(line))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  )

test('the debugging page lists exactly the console errors the app tests allow, with the same why', () => {
  expect(rows.length).toBeGreaterThan(0)
  expect(rows).toEqual(
    EXPECTED_RESPONSES.map((answer) => [`\`${answer.status}\``, answer.request, answer.why]),
  )
})
