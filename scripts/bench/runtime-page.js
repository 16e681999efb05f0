// The page of the Chromium runtime bench (scripts/bench/runtime.mjs bundles it with the built
// core). Each `window.bench` function runs one scenario against the demo stack and returns its
// counts, read from the counters of runtime-counters.js. Authorizations go through a driver that
// hands the authorization URL to Node (`benchAuthorize`), which plays the demo user.
import { createMcpAuth, indexedDbStorage } from '@mcp-oauth/core'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { fetchWithinOrigin } from '@modelcontextprotocol/sdk/shared/transport.js'

const counters = () => window.benchCounters

/** One kit instance on its own IndexedDB database: each scenario starts from its own storage. */
const instance = (database) =>
  createMcpAuth({
    redirectUri: `${location.origin}/callback`,
    client: { name: 'mcp-oauth runtime bench' },
    storage: indexedDbStorage(database),
    driver: ({ url, redirectUri }) => window.benchAuthorize({ url, redirectUri }),
  })

/** Script files the page loaded so far (the entry and every lazy chunk). */
const scripts = () =>
  performance
    .getEntriesByType('resource')
    .filter((entry) => new URL(entry.name).pathname.endsWith('.js')).length

const statuses = (servers) => {
  const seen = {}
  for (const server of servers) {
    const { status } = server.getSnapshot()
    seen[status] = (seen[status] ?? 0) + 1
  }
  return seen
}

/** Runs `task` as one phase: the counts it caused, and the lazy chunks it loaded. */
async function phase(task) {
  const before = scripts()
  counters().reset()
  const value = await task()
  return { ...counters().read(), chunks: scripts() - before, value }
}

const call = (n) => JSON.stringify({ jsonrpc: '2.0', id: n, method: 'ping' })
const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
}

/** `values` in a random order (Fisher–Yates). */
const shuffled = (values) => {
  const order = [...values]
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The SDK's auth provider as its browser examples keep tokens: in localStorage, read per call. */
class LocalStorageProvider {
  get redirectUrl() {
    return `${location.origin}/callback`
  }
  get clientMetadata() {
    return { redirect_uris: [this.redirectUrl], client_name: 'bench' }
  }
  clientInformation() {
    return undefined
  }
  tokens() {
    const stored = localStorage.getItem('bench:sdk-tokens')
    return stored ? JSON.parse(stored) : undefined
  }
  saveTokens(tokens) {
    localStorage.setItem('bench:sdk-tokens', JSON.stringify(tokens))
  }
  redirectToAuthorization() {}
  saveCodeVerifier() {}
  codeVerifier() {
    return ''
  }
}

/**
 * The stored server of `database`, restored, with its access token, and `sdkPost(body)`: a POST
 * as the MCP SDK's transport sends one for an `authProvider` whose tokens live in localStorage.
 * That is its headers (`_commonHeaders()`, which reads `authProvider.tokens()` on every request)
 * sent through its own fetch over `fetchFn` (`fetchWithinOrigin`: `redirect: 'manual'`,
 * redirects followed by hand within the origin).
 */
async function restoredWithSdk(database, fetchFn) {
  const [server] = await instance(database).restore()
  const token = await server.getAccessToken()
  const provider = new LocalStorageProvider()
  provider.saveTokens({ access_token: token, token_type: 'Bearer' })
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    authProvider: provider,
  })
  const sdkFetch = fetchWithinOrigin(fetchFn)
  const sdkPost = async (body) => {
    const headers = await transport._commonHeaders()
    for (const [name, value] of Object.entries(MCP_HEADERS)) headers.set(name, value)
    return sdkFetch(server.url, { method: 'POST', headers, body })
  }
  return { server, token, sdkPost }
}

window.bench = {
  /**
   * `count` fresh servers on one issuer in one instance: probed at once, then authorized at
   * once. Resolves with the counts of each phase.
   */
  async manyServers({ database, base, count }) {
    const auth = instance(database)
    const servers = Array.from({ length: count }, (_, i) => auth.server(`${base}/${i + 1}`))
    const probes = await phase(() => Promise.all(servers.map((s) => s.probe())))
    probes.value = statuses(servers)
    const authorizations = await phase(() => Promise.all(servers.map((s) => s.authorize())))
    authorizations.value = statuses(servers)
    return { probes, authorizations }
  },

  /** After a reload: restores every stored server and loads its tokens (a probe, no network). */
  async restore({ database }) {
    let servers = []
    const restored = await phase(async () => {
      servers = await instance(database).restore()
      await Promise.all(servers.map((s) => s.probe()))
    })
    restored.value = { servers: servers.length, ...statuses(servers) }
    return restored
  },

  /** Restores and loads every stored server, and keeps them (heap per handle). */
  async keep({ database }) {
    const servers = await instance(database).restore()
    await Promise.all(servers.map((s) => s.probe()))
    window.kept = servers
    return { servers: servers.length, ...statuses(servers) }
  },

  /**
   * What each way of calling costs in the page itself, with the network taken out: `fetch`
   * answers from memory, so what is left is the client's own work per call, in microseconds
   * (median of `repeats` interleaved runs of `calls` calls each). The ways: a call written by
   * hand (a `Headers` copy, the header set, `redirect: 'manual'`), `server.fetch`, and the SDK
   * transport's headers with its localStorage `authProvider`, sent through `fetchWithinOrigin`.
   * A per-call time on loopback (`perCall`) holds this work and the network's; this isolates
   * the part a client can change.
   */
  async ownWork({ database, calls, repeats }) {
    const { server, token, sdkPost } = await restoredWithSdk(database, (input, init) =>
      window.fetch(input, init),
    )
    const init = () => ({ method: 'POST', headers: MCP_HEADERS, body: call(1) })
    const ways = {
      hand: () => {
        const given = init()
        const headers = new Headers(given.headers)
        headers.set('authorization', `Bearer ${token}`)
        return window.fetch(server.url, { ...given, headers, redirect: 'manual' })
      },
      kit: () => server.fetch(server.url, init()),
      sdk: () => sdkPost(call(1)),
    }
    const network = window.fetch
    const answer = Promise.resolve(new Response(null, { status: 200 }))
    window.fetch = () => answer
    const times = { hand: [], kit: [], sdk: [] }
    try {
      for (let run = -1; run < repeats; run++) {
        for (const [name, way] of Object.entries(ways)) {
          const started = performance.now()
          for (let i = 0; i < calls; i++) await way()
          // The first run warms the code up.
          if (run >= 0) times[name].push(((performance.now() - started) * 1000) / calls)
        }
      }
    } finally {
      window.fetch = network
    }
    return {
      calls,
      repeats,
      hand: median(times.hand),
      kit: median(times.kit),
      sdk: median(times.sdk),
    }
  },

  /**
   * Per call, `calls` rounds of four authorized MCP calls in turn (in a random order each
   * round, so that no way always follows the same one): a bare fetch with the header set by hand; the same with `redirect: 'manual'`, as
   * every request with a token must go (the platform would follow a redirect with the header
   * anywhere on the origin); `server.fetch`; and what the MCP SDK's transport does per POST for
   * an `authProvider` whose tokens live in localStorage: its headers (`_commonHeaders()`, which
   * reads `authProvider.tokens()` on every request), sent through its own fetch
   * (`fetchWithinOrigin`: `redirect: 'manual'`, redirects followed by hand within the origin). Each time covers
   * the call and reading its answer. The ratios are medians of the ratios within each round,
   * so that a slow moment of the machine weighs on the three ways alike, with their 95%
   * confidence interval. Also the client's time per call: from the call to fetch (`before`), and
   * from fetch's answer to the call's (`after`), read by a wrapper around fetch that every way
   * calls through (means of the middle 80%, in microseconds); and the counts of the kit's calls.
   */
  async perCall({ database, calls, warmup }) {
    const network = window.fetch
    const clock = { called: 0, answered: 0 }
    window.fetch = (input, init) => {
      clock.called = performance.now()
      return network(input, init).then((response) => {
        clock.answered = performance.now()
        return response
      })
    }
    try {
      return await perCallThrough(database, calls, warmup, clock)
    } finally {
      window.fetch = network
    }
  },
}

/** The rounds of `perCall`, with every way's fetch going through the wrapper that sets `clock`. */
async function perCallThrough(database, calls, warmup, clock) {
  const { server, token, sdkPost } = await restoredWithSdk(database, (input, init) =>
    window.fetch(input, init),
  )
  let id = 0
  const ways = {
    bare: () =>
      fetch(server.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: call(++id),
      }),
    manual: () =>
      fetch(server.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: call(++id),
        redirect: 'manual',
      }),
    kit: () => server.fetch(server.url, { method: 'POST', headers: MCP_HEADERS, body: call(++id) }),
    sdk: () => sdkPost(call(++id)),
  }
  const names = Object.keys(ways)
  const times = { bare: [], manual: [], kit: [], sdk: [] }
  const before = { bare: [], manual: [], kit: [], sdk: [] }
  const after = { bare: [], manual: [], kit: [], sdk: [] }
  const network = { bare: [], manual: [], kit: [], sdk: [] }
  const kitCounts = {}
  let failed = 0
  for (let round = 0; round < warmup + calls; round++) {
    const order = shuffled(names)
    for (const name of order) {
      const measured = round >= warmup
      if (name === 'kit' && measured) counters().reset()
      const started = performance.now()
      const response = await ways[name]()
      const returned = performance.now()
      await response.text()
      const ms = performance.now() - started
      if (response.status !== 200) failed += 1
      if (!measured) continue
      times[name].push(ms)
      before[name].push(clock.called - started)
      after[name].push(returned - clock.answered)
      network[name].push(clock.answered - clock.called)
      if (name === 'kit') {
        for (const [key, value] of Object.entries(counters().read())) {
          if (typeof value === 'number') kitCounts[key] = (kitCounts[key] ?? 0) + value
        }
      }
    }
  }
  const ratio = (other) => withInterval(times.kit.map((kit, round) => kit / times[other][round]))
  const micros = (values) => Object.fromEntries(names.map((n) => [n, middleMean(values[n]) * 1000]))
  return {
    calls,
    failed,
    crossOriginIsolated: window.crossOriginIsolated,
    median: Object.fromEntries(names.map((n) => [n, median(times[n])])),
    ratio: { bare: ratio('bare'), manual: ratio('manual'), sdk: ratio('sdk') },
    client: { before: micros(before), after: micros(after), network: micros(network) },
    kitCounts,
  }
}

/**
 * The median of `values` and its 95% confidence interval, from their order alone (the sign
 * test's binomial bounds, normal approximation): `{ median, low, high }`.
 */
function withInterval(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  const reach = Math.ceil(0.98 * Math.sqrt(n))
  const at = (i) => sorted[Math.min(n - 1, Math.max(0, i))]
  return { median: median(sorted), low: at((n >> 1) - reach), high: at(((n - 1) >> 1) + reach) }
}

/** The mean of the middle 80% of `values`: a slow moment of the machine left out. */
function middleMean(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const kept = sorted.slice(Math.floor(sorted.length / 10), Math.ceil((sorted.length * 9) / 10))
  return kept.reduce((sum, value) => sum + value, 0) / kept.length
}
