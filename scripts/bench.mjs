#!/usr/bin/env node
// `npm run bench`: prints the budgets' numbers (a benchmark, not a test; test/integration/
// round-trips.test.ts asserts the kit's counts). Sizes (scripts/size.mjs), then:
// - requests and round trips (critical-path depth, defined in scripts/bench/round-trips.mjs) of a
//   first authorization, a re-authorization and a step-up, for this kit and for the official MCP
//   SDK's `auth()` (without and with its discovery cache), on a loopback bench server that waits
//   `--delay` ms (default 50) before every response, in both layouts; and the requests of 20
//   servers on one issuer probed at once;
// - against the demo stack: refresh grants under concurrent getAccessToken() calls, and the cost
//   of a warm getAccessToken();
// - in headless Chromium against the demo stack (scripts/bench/runtime.mjs): the per-call cost of
//   server.fetch beside a bare fetch (with and without redirect: 'manual') and the MCP SDK's
//   transport with a localStorage authProvider, the storage
//   transactions and tab channels of a restore, the requests and registrations of many servers
//   on one issuer, and the JS heap per loaded handle.
// Uses the built core: run `npm run build` first.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import { headlessDriver, startStack } from '../playground/stack/index.mjs'
import { measureKit, measureProbes, measureSdk } from './bench/round-trips.mjs'
import { measureRuntime } from './bench/runtime.mjs'

const { values: args } = parseArgs({ options: { delay: { type: 'string', default: '50' } } })
const delay = Number(args.delay)
if (!Number.isFinite(delay) || delay < 0) throw new Error(`--delay must be a number of ms`)

const root = fileURLToPath(new URL('..', import.meta.url))
const sizes = spawnSync(process.execPath, ['scripts/size.mjs'], { cwd: root, stdio: 'inherit' })
if (sizes.status !== 0) process.exitCode = 1

/** Prints rows under a header, columns aligned (text left, figures right). */
function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (r) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
  console.log(line(head).join('  '))
  for (const r of rows) console.log(line(r).join('  '))
}

console.log(
  `\nAuthorization cost, ${delay} ms per response: requests / round trips (critical-path depth), ms`,
)
// A first run of each, unprinted: module loading and JIT warm-up would land in the first column.
await measureKit({ layout: 'friendly' })
await measureSdk({ layout: 'friendly' })
const phaseNames = { first: 'first authorization', again: 're-authorization', stepUp: 'step-up' }
for (const layout of ['friendly', 'fallback']) {
  const kit = await measureKit({ layout, delay })
  const sdk = await measureSdk({ layout, delay })
  const cached = await measureSdk({ layout, delay, cacheDiscovery: true })
  const cell = (p) => `${p.requests} / ${p.roundTrips}, ${p.ms}`
  const ratio = (other, own) => (other.roundTrips / own.roundTrips).toFixed(2)
  console.log(`\n${layout} layout`)
  table(
    ['', 'kit', 'SDK auth()', 'SDK + cache', 'SDK/kit RT', 'SDK+cache/kit RT'],
    Object.entries(phaseNames).map(([key, name]) => [
      name,
      cell(kit[key]),
      cell(sdk[key]),
      cell(cached[key]),
      ratio(sdk[key], kit[key]),
      ratio(cached[key], kit[key]),
    ]),
  )
  for (const [key, name] of Object.entries(phaseNames)) {
    console.log(`  kit ${name}: ${kit[key].log.join(', ')}`)
  }
}

// Many servers on one issuer: one auth instance probes 20 at once, then 20 others. Requests only:
// the depth of one flow means little when twenty interleave.
console.log('\n20 servers on one issuer, probed at once: requests (probe + resource metadata + AS)')
for (const layout of ['friendly', 'fallback']) {
  const { first, next } = await measureProbes({ layout, delay, servers: 20 })
  const as = (p) => p.log.filter((l) => /oauth-authorization-server|openid-configuration/.test(l))
  console.log(
    `  ${layout}: ${first.requests} (${as(first).length} AS), then 20 more: ${next.requests} (${as(next).length} AS)`,
  )
}

const stack = await startStack({ redirectUris: ['http://127.0.0.1:8976/oauth/callback'] })
const rows = []
const row = (what, value) => rows.push([what, String(value)])

try {
  const setup = (fetchFn, storage = memoryStorage()) =>
    createMcpAuth({
      redirectUri: 'http://127.0.0.1:8976/oauth/callback',
      storage,
      driver: headlessDriver(),
      fetch: fetchFn,
      refreshSkewSeconds: 0,
    })

  const server = setup(undefined).server(stack.servers.oauth)
  await server.authorize()
  let started

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

// Run time, in Chromium: per call, per restore, per issuer, per handle.
const runtime = await measureRuntime()
const { perCall, ownWork, many, restore, heap } = runtime
const ms = (value) => value.toFixed(3)
const micro = (value) => value.toFixed(1)
/** A median ratio and its 95% confidence interval. */
const interval = ({ median, low, high }) =>
  `${median.toFixed(3)} (95% CI ${low.toFixed(3)}–${high.toFixed(3)})`
const perKitCall = (name) => (perCall.kitCounts[name] / perCall.calls).toFixed(2)
const isAs = (line) => /oauth-authorization-server|openid-configuration/.test(line)
console.log(
  `\nRun time in Chromium (demo stack, loopback${perCall.crossOriginIsolated ? '' : ', coarse clock'})`,
)
table(
  ['', 'value'],
  [
    [
      `per call, median of ${perCall.calls} interleaved: bare fetch / the same, redirect: 'manual' / server.fetch / SDK transport (ms)`,
      [perCall.median.bare, perCall.median.manual, perCall.median.kit, perCall.median.sdk]
        .map(ms)
        .join(' / '),
    ],
    ['  server.fetch ÷ bare fetch (median of per-round ratios)', interval(perCall.ratio.bare)],
    [
      "  server.fetch ÷ bare fetch with redirect: 'manual', as a token needs",
      interval(perCall.ratio.manual),
    ],
    [
      '  server.fetch ÷ the SDK transport with a localStorage authProvider (median of per-round ratios)',
      interval(perCall.ratio.sdk),
    ],
    [
      '  client time per call, before fetch + after its answer: by hand / server.fetch / SDK transport (µs, mean of the middle 80%)',
      ['manual', 'kit', 'sdk']
        .map((way) => `${micro(perCall.client.before[way])} + ${micro(perCall.client.after[way])}`)
        .join(' / '),
    ],
    [
      `  own work per call, fetch answered in memory: by hand / server.fetch / SDK transport (µs, median of ${ownWork.repeats} × ${ownWork.calls})`,
      [ownWork.hand, ownWork.kit, ownWork.sdk].map((us) => us.toFixed(2)).join(' / '),
    ],
    [
      '  per server.fetch: Request objects / clones / body reads',
      `${perKitCall('requests')} / ${perKitCall('clones')} / ${perKitCall('bodyReads')}`,
    ],
    [
      '  per server.fetch: IndexedDB transactions / locks / crypto / timers',
      ['idbTransactions', 'locks', 'crypto', 'timers'].map(perKitCall).join(' / '),
    ],
    ...restore.map((r) => [
      `restore ${r.k} stored servers after a reload: IndexedDB transactions / tab channels`,
      `${r.idbTransactions} / ${r.channels}`,
    ]),
    ...restore.map((r) => [
      `  restore ${r.k}: requests / lazy chunks before the first call`,
      `${r.fetches} / ${r.chunks}`,
    ]),
    [
      `${runtime.servers} fresh servers on one issuer, probed at once: requests (AS metadata)`,
      `${many.probes.fetches} (${many.probes.fetched.filter(isAs).length})`,
    ],
    [
      '  the same probes: IndexedDB transactions / tab channels',
      `${many.probes.idbTransactions} / ${many.probes.channels}`,
    ],
    ['  the same servers authorized at once: dynamic registrations', String(many.registrations)],
    [
      `JS heap per loaded handle, ${heap.handles} on one issuer (bytes)`,
      String(Math.round(heap.perHandle)),
    ],
  ],
)
