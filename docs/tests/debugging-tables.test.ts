import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { unionMembers } from './public-types.js'

const page = readFileSync(new URL('../guide/debugging.md', import.meta.url), 'utf8')

/**
 * The first cells of the page's table rows (not headers): "`resource-metadata`" and so on. The
 * console table's rows start with a status code instead.
 */
const lines = page.split('\n')
const firstCells = lines
  .filter((line, i) => /^\| `[a-z]/.test(line) && !lines[i + 1]?.startsWith('| ---'))
  .map((line) => /^\| `([a-z-]+)`/.exec(line)?.[1])

test.each([
  ['McpAuthEventType', 'every event type'],
  ['McpEventNote', 'every note'],
])('the debugging page has a row for %s (%s), and no row for anything else', (type) => {
  const members = unionMembers(type, 'events.ts')
  expect(members.length).toBeGreaterThan(3)
  for (const member of members) expect(firstCells, member).toContain(member)
})

test('every row names a real event type or note, once', () => {
  const known = [
    ...unionMembers('McpAuthEventType', 'events.ts'),
    ...unionMembers('McpEventNote', 'events.ts'),
  ]
  expect(firstCells.filter((cell) => !known.includes(cell!))).toEqual([])
  expect(new Set(firstCells).size).toBe(firstCells.length)
})
