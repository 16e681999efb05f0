import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { unionMembers } from './public-types.js'

const page = readFileSync(new URL('../guide/errors.md', import.meta.url), 'utf8')

/** The page's tables, in order: each a list of rows (header left out), each a list of cells. */
const tables = page
  .split(/\n(?!\|)/)
  .map((block) =>
    block
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
      .slice(1) // the header
      .map((line) => line.split('|').map((cell) => cell.trim())),
  )
  .filter((table) => table.length > 0)
/** The statuses and codes table: the first cell of each row is "status `x`" or "`code`". */
const rows = tables[0] ?? []
/** The refusal reasons table: the first cell of each row is "`reason`". */
const reasons = (tables[1] ?? []).flatMap(
  ([, first]) => /^`([a-z_]+)`$/.exec(first ?? '')?.[1] ?? [],
)
const statuses = rows.flatMap(([, first]) => /^status `([a-z-]+)`$/.exec(first ?? '')?.[1] ?? [])
const codes = rows.flatMap(([, first]) => /^`([a-z_]+)`$/.exec(first ?? '')?.[1] ?? [])

test('the statuses and errors page has one row per McpServerStatus', () => {
  const missing = unionMembers('McpServerStatus').filter((status) => !statuses.includes(status))
  expect(missing, 'statuses without a row in docs/guide/errors.md').toEqual([])
})

test('the statuses and errors page has one row per McpAuthErrorCode', () => {
  const missing = unionMembers('McpAuthErrorCode').filter((code) => !codes.includes(code))
  expect(missing, 'error codes without a row in docs/guide/errors.md').toEqual([])
})

test('every row names a real status or code, once, with both columns filled', () => {
  expect(statuses.filter((s) => !unionMembers('McpServerStatus').includes(s))).toEqual([])
  expect(codes.filter((c) => !unionMembers('McpAuthErrorCode').includes(c))).toEqual([])
  expect(new Set(statuses).size).toBe(statuses.length)
  expect(new Set(codes).size).toBe(codes.length)
  for (const [, first, sees, does] of rows) {
    expect(sees, `${first}: what the user sees`).toBeTruthy()
    expect(does, `${first}: what the developer does`).toBeTruthy()
  }
})

test('the page has one row per RegistrationRefusal, each filled in', () => {
  expect([...reasons].sort()).toEqual([...unionMembers('RegistrationRefusal')].sort())
  for (const [, first, when, sees] of tables[1] ?? []) {
    expect(when, `${first}: when`).toBeTruthy()
    expect(sees, `${first}: what the user sees`).toBeTruthy()
  }
})
