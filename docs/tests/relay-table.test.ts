import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { RelayRefusal } from '../../packages/core/src/relay/refusal.js'
import type { RelayErrorReason } from '../../packages/core/src/relay/types.js'
import { unionMembers } from './public-types.js'

const page = readFileSync(new URL('../guide/real-servers.md', import.meta.url), 'utf8')

/** The rows of the guide's table of relay refusals: reason, status, error, when. */
const table = page.slice(page.indexOf('| Reason '))
const rows = table
  .slice(0, table.indexOf('\n\n'))
  .split('\n')
  .slice(2)
  .map((line) => line.split('|').map((cell) => cell.trim()))
  .map(([, reason, status, error, when]) => ({
    reason: /^`([a-z_]+)`$/.exec(reason ?? '')?.[1] ?? reason,
    status: Number(status),
    error: /^`([a-z_]+)`$/.exec(error ?? '')?.[1] ?? error,
    when,
  }))

test('the relay guide has one row per RelayErrorReason, with the status and error it sends', () => {
  const reasons = unionMembers('RelayErrorReason', 'relay.ts')
  expect(rows.map((row) => row.reason).sort()).toEqual([...reasons].sort())
  for (const row of rows) {
    const refusal = new RelayRefusal(row.reason as RelayErrorReason, '')
    expect({ reason: row.reason, status: row.status, error: row.error }).toEqual({
      reason: row.reason,
      status: refusal.status,
      error: `relay_${refusal.outcome}`,
    })
    expect(row.when, `${row.reason}: when`).toBeTruthy()
  }
})
