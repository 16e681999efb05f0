#!/usr/bin/env node
// `npm run bench`: prints the budgets' numbers. Sizes (scripts/size.mjs), then protocol costs
// measured against the loopback demo stack with the built core (run `npm run build` first):
// requests on the critical path of discovery, the cost of a second authorization, how many
// refresh grants N concurrent getAccessToken() calls cause, and wall-clock timings.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { headlessDriver, startStack } from '../playground/stack/index.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const sizes = spawnSync(process.execPath, ['scripts/size.mjs'], { cwd: root, stdio: 'inherit' })
if (sizes.status !== 0) process.exitCode = 1

const stack = await startStack({ redirectUris: ['http://127.0.0.1:8976/oauth/callback'] })
const rows = []
const row = (what, value) => rows.push([what, String(value)])

try {
  /** A fetch that counts requests and records them in order. */
  const counting = () => {
    const log = []
    const timings = []
    const fetchFn = async (input, init) => {
      const request = new Request(input, init)
      log.push(`${request.method} ${new URL(request.url).pathname}`)
      const timing = { start: performance.now(), end: Number.POSITIVE_INFINITY }
      timings.push(timing)
      try {
        return await fetch(request)
      } finally {
        timing.end = performance.now()
      }
    }
    /** Round trips on the critical path: requests that had to wait for all earlier ones. */
    const waves = (from = 0) => {
      let count = 0
      let lastEnd = Number.NEGATIVE_INFINITY
      for (const { start, end } of timings.slice(from)) {
        if (start >= lastEnd) count++
        lastEnd = Math.max(lastEnd, end)
      }
      return count
    }
    return { log, fetchFn, waves }
  }
  const setup = (fetchFn, storage = memoryStorage()) =>
    createMcpAuth({
      redirectUri: 'http://127.0.0.1:8976/oauth/callback',
      storage,
      driver: headlessDriver(),
      fetch: fetchFn,
      refreshSkewSeconds: 0,
    })

  // Discovery: probe → needs-authorization.
  const first = counting()
  const auth = setup(first.fetchFn)
  const server = auth.server(stack.servers.oauth)
  let started = performance.now()
  await server.probe()
  row('probe → needs-authorization (ms)', Math.round(performance.now() - started))
  row('requests until needs-authorization', first.log.length)
  row('  round trips on the critical path', first.waves())
  row(
    '  AS metadata candidates (fetched concurrently)',
    first.log.filter((l) => /oauth-authorization-server|openid-configuration/.test(l)).length,
  )

  // First authorization: registration, consent, code exchange.
  const before = first.log.length
  started = performance.now()
  await server.authorize()
  row('authorize, headless (ms)', Math.round(performance.now() - started))
  row('requests from the kit during authorize', first.log.length - before)

  // A second authorization with cached metadata costs no discovery.
  const again = first.log.length
  await server.authorize()
  const discovery = first.log.slice(again).filter((l) => l.includes('/.well-known/'))
  row('discovery requests on re-authorization', discovery.length)

  // N concurrent getAccessToken() on an expired token → refresh grants.
  for (const n of [10, 50, 200]) {
    const storage = memoryStorage()
    const own = setup(undefined, storage).server(stack.servers.oauth)
    await own.authorize()
    const key = `tokens:${stack.servers.oauth}`
    await storage.set(key, { ...(await storage.get(key)), expiresAt: Date.now() - 1000 })
    const reloaded = setup(undefined, storage).server(stack.servers.oauth)
    const grants = stack.stats().grants.refresh_token
    started = performance.now()
    const tokens = await Promise.all(Array.from({ length: n }, () => reloaded.getAccessToken()))
    const ms = Math.round(performance.now() - started)
    row(
      `${n} concurrent getAccessToken() on an expired token: refresh grants`,
      stack.stats().grants.refresh_token - grants,
    )
    row(`  distinct tokens returned / time (ms)`, `${new Set(tokens).size} / ${ms}`)
  }

  // Warm getAccessToken(): no network at all.
  started = performance.now()
  for (let i = 0; i < 10_000; i++) await server.getAccessToken()
  row(
    'getAccessToken() with a fresh token (µs per call)',
    ((performance.now() - started) / 10).toFixed(1),
  )
} finally {
  await stack.close()
}

const width = Math.max(...rows.map(([what]) => what.length))
console.log(`\n${'protocol cost'.padEnd(width)}  value`)
for (const [what, value] of rows) console.log(`${what.padEnd(width)}  ${value}`)
