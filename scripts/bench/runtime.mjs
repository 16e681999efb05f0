// What the kit costs while an app runs, measured in headless Chromium (Debian's, through
// playwright-core) against the demo stack on loopback. The page (runtime-page.js, bundled here
// with the built core, as it ships) counts IndexedDB transactions, Web Locks, BroadcastChannels,
// `Request` objects, clones and body reads, WebCrypto calls, timers and fetches
// (runtime-counters.js). Used by `npm run bench`, which prints it; a benchmark, not a test: the
// tests assert the counts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { chromium } from 'playwright-core'
import { headlessDriver, startStack } from '../../playground/stack/index.mjs'
import { installCounters } from './runtime-counters.js'
import { addUnobservedPage, runUnobserved } from './unobserved.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Bundles the page with the built core, split like an app's build (lazy chunks stay lazy). */
async function bundlePage() {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-'))
  await esbuild.build({
    entryPoints: [join(here, 'runtime-page.js')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    // The packages as they ship (dist), not their sources through the repository's tsconfig paths.
    tsconfigRaw: {},
    outdir: dir,
    logLevel: 'error',
  })
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>runtime bench</title><script type="module" src="/runtime-page.js"></script>',
  )
  await addUnobservedPage(dir)
  return dir
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript' }

/** The headers of every answer of the page's site: cross-origin isolated (COOP + COEP). */
const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cache-control': 'no-store',
}

/**
 * Serves `dir` on 127.0.0.1, cross-origin isolated (COOP + COEP), so that `performance.now()`
 * has its fine resolution; the page's calls to the stack are CORS requests, which COEP allows.
 * A POST is handed to the handler set with `api.set()` (the unobserved page's reports).
 */
async function servePage(dir) {
  let handler
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname
    if (req.method === 'POST') {
      let body = ''
      for await (const chunk of req) body += chunk
      const answer = await handler?.(path, JSON.parse(body))
      if (answer === undefined) return res.writeHead(404, ISOLATED).end()
      res.writeHead(200, { ...ISOLATED, 'content-type': 'application/json' })
      return res.end(JSON.stringify(answer))
    }
    const file = join(dir, path === '/' ? 'index.html' : path.slice(1))
    try {
      const body = await readFile(file)
      res.writeHead(200, {
        ...ISOLATED,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    origin: `http://127.0.0.1:${port}`,
    api: {
      set: (next) => {
        handler = next
      },
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Runs every scenario in one browser and returns the figures:
 * - `perCall`: medians of `calls` interleaved rounds of a bare fetch (with and without
 *   `redirect: 'manual'`), `server.fetch` and the MCP SDK's localStorage `authProvider` headers,
 *   the ratios with their 95% confidence intervals, each client's time before fetch and after
 *   its answer, and what the kit's calls did (counts summed);
 * - `ownWork`: the page's own work per call with the network taken out (fetch answered from
 *   memory), in microseconds: a call written by hand, `server.fetch`, the SDK transport;
 * - `many`: `servers` fresh servers on one issuer, probed at once then authorized at once;
 * - `restore`: for each K, a reload that restores K stored servers and loads their tokens;
 * - `heap`: JS heap per loaded handle, `handles` servers on one issuer.
 * @param {{ calls?: number, warmup?: number, servers?: number, restore?: number[], handles?: number }} [options]
 */
export async function measureRuntime(options = {}) {
  const calls = options.calls ?? 3000
  const warmup = options.warmup ?? 40
  const servers = options.servers ?? 50
  const restoreCounts = options.restore ?? [1, 10, 50]
  const handles = options.handles ?? 100
  const dir = await bundlePage()
  const site = await servePage(dir)
  const stack = await startStack({ autoConsent: true })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  })
  const errors = []
  const driver = headlessDriver()
  try {
    const context = await browser.newContext()
    await context.addInitScript(installCounters)
    await context.exposeBinding('benchAuthorize', (_source, request) => driver(request))
    const page = await context.newPage()
    page.on('pageerror', (error) => errors.push(error.message))
    const open = async () => {
      await page.goto(`${site.origin}/`)
      await page.waitForFunction(() => 'bench' in window)
    }
    const run = (name, args) =>
      page.evaluate(([name, args]) => window.bench[name](args), [name, args])
    const base = stack.servers.oauth

    await open()
    // Fresh servers on one issuer, probed at once, then authorized at once.
    const registered = stack.stats().registrations
    const metadata = Object.values(stack.stats().metadata).reduce((a, b) => a + b, 0)
    const many = await run('manyServers', { database: `restore-${servers}`, base, count: servers })
    many.registrations = stack.stats().registrations - registered
    many.asMetadataServed =
      Object.values(stack.stats().metadata).reduce((a, b) => a + b, 0) - metadata
    // The other stored sets: K servers each, and the heap's.
    for (const k of [...restoreCounts.filter((k) => k !== servers), handles]) {
      await run('manyServers', { database: `restore-${k}`, base, count: k })
    }

    const restore = []
    for (const k of restoreCounts) {
      await open()
      restore.push({ k, ...(await run('restore', { database: `restore-${k}` })) })
    }

    // Heap per loaded handle: a first restore warms the code paths up; then the difference
    // of the used JS heap, after a full GC each time, around restoring and loading the set.
    await open()
    await run('keep', { database: 'restore-1' })
    const cdp = await context.newCDPSession(page)
    const usedHeap = async () => {
      const sizes = []
      for (let i = 0; i < 3; i++) {
        await cdp.send('HeapProfiler.collectGarbage')
        sizes.push((await cdp.send('Runtime.getHeapUsage')).usedSize)
      }
      return median(sizes)
    }
    const before = await usedHeap()
    const kept = await run('keep', { database: `restore-${handles}` })
    const after = await usedHeap()
    const heap = {
      handles: kept.servers,
      statuses: kept,
      perHandle: (after - before) / kept.servers,
    }

    // Per call, in a browser no DevTools client observes (see unobserved.mjs).
    const perCall = await runUnobserved(site, {
      setup: { name: 'manyServers', args: { database: 'per-call', base, count: 1 } },
      name: 'perCall',
      args: { database: 'per-call', calls, warmup },
      authorize: driver,
    })
    await open()
    const ownWork = await run('ownWork', { database: 'restore-1', calls: 5000, repeats: 5 })
    if (errors.length) throw new Error(`The bench page failed: ${errors.join('; ')}`)
    // Figures of a scenario that went wrong would mean nothing.
    const expect = (what, seen, wanted) => {
      if (JSON.stringify(seen) !== JSON.stringify(wanted)) {
        throw new Error(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(seen)}`)
      }
    }
    expect('probes', many.probes.value, { 'needs-authorization': servers })
    expect('authorizations', many.authorizations.value, { authorized: servers })
    for (const r of restore) expect(`restore ${r.k}`, r.value, { servers: r.k, authorized: r.k })
    expect('heap', heap.statuses, { servers: handles, authorized: handles })
    expect('calls that failed', perCall.failed, 0)
    return { perCall, ownWork, many, restore, heap, servers }
  } finally {
    await browser.close()
    await stack.close()
    await site.close()
    await rm(dir, { recursive: true, force: true })
  }
}
