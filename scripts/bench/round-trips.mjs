// Requests and round trips of an authorization, for this kit and for the official MCP SDK's
// `auth()`, against the bench server (playground/stack/bench-server.mjs). Shared by
// `npm run bench` (prints) and test/integration/round-trips.test.ts (asserts the kit's counts).
//
// How round trips are counted (critical-path depth): every request gets a depth when it starts,
// one more than the deepest request that had already been answered at that moment (1 when none
// had). A request started while the others are still in flight cannot depend on their answers,
// so requests sent together share a depth; one sent after an answer may depend on it. The round
// trips of a phase are its deepest depth. The count follows the order of events only, never the
// clock, so it is the same at any delay. Every request is counted, the authorization request
// included (the headless driver sends it through the counted fetch and stops at the redirect).
import { createMcpAuth, memoryStorage } from '@mcp-oauth/core'
import {
  extractWWWAuthenticateParams,
  auth as sdkAuth,
} from '@modelcontextprotocol/sdk/client/auth.js'
import { startBenchServer } from '../../playground/stack/bench-server.mjs'

// Nothing listens here: the drivers stop at the redirect and hand its URL back.
const REDIRECT_URI = 'http://127.0.0.1:53683/oauth/callback'

/** A fetch that records every request with its critical-path depth. */
export function countingFetch() {
  let requests = []
  let answeredDepth = 0
  let started = performance.now()
  /** @type {typeof fetch} */
  const fetchFn = async (input, init) => {
    const request = new Request(input, init)
    const entry = {
      request: `${request.method} ${new URL(request.url).pathname}`,
      depth: answeredDepth + 1,
    }
    requests.push(entry)
    try {
      return await fetch(request)
    } finally {
      answeredDepth = Math.max(answeredDepth, entry.depth)
    }
  }
  return {
    fetch: fetchFn,
    /** Starts a new phase. */
    reset() {
      requests = []
      answeredDepth = 0
      started = performance.now()
    },
    /** The phase so far: requests, round trips, the requests in order, and milliseconds. */
    phase() {
      return {
        requests: requests.length,
        roundTrips: Math.max(0, ...requests.map((r) => r.depth)),
        log: requests.map((r) => `${r.depth} ${r.request}`),
        ms: Math.round(performance.now() - started),
      }
    },
  }
}

/** Sends the authorization request through `fetchFn` and returns the redirect it answers with. */
async function authorizationRequest(fetchFn, url) {
  const response = await fetchFn(url, { redirect: 'manual' })
  await response.body?.cancel()
  const location = response.headers.get('location')
  if (!location) throw new Error(`The authorization endpoint answered ${response.status}`)
  return new URL(location, url).href
}

const adminCall = {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'admin_action', arguments: {} },
  }),
}

/**
 * This kit: a first authorization (probe to token), a re-authorization of the same server,
 * and a step-up after a 403 `insufficient_scope` (from the 403 to the new token).
 * @param {{ layout: 'friendly' | 'fallback', delay?: number }} options
 */
export async function measureKit({ layout, delay = 0 }) {
  const bench = await startBenchServer({ layout, delay })
  try {
    const counter = countingFetch()
    const auth = createMcpAuth({
      redirectUri: REDIRECT_URI,
      client: { name: 'bench' },
      storage: memoryStorage(),
      fetch: counter.fetch,
      driver: ({ url }) => authorizationRequest(counter.fetch, url),
    })
    const server = auth.server(bench.resource)

    counter.reset()
    await server.probe()
    await server.authorize()
    const first = counter.phase()

    counter.reset()
    await server.authorize()
    const again = counter.phase()

    const refused = await server.fetch(bench.resource, adminCall)
    await refused.body?.cancel()
    if (refused.status !== 403 || server.getSnapshot().status !== 'needs-step-up') {
      throw new Error(`Expected a step-up, got ${refused.status} ${server.getSnapshot().status}`)
    }
    counter.reset()
    await server.authorize()
    const stepUp = counter.phase()
    const allowed = await server.fetch(bench.resource, adminCall)
    await allowed.body?.cancel()
    if (allowed.status !== 200) throw new Error(`The stepped-up call answered ${allowed.status}`)
    return { first, again, stepUp }
  } finally {
    await bench.close()
  }
}

/** An in-memory provider for the SDK's `auth()`, with or without its discovery cache. */
class MemoryProvider {
  constructor(cacheDiscovery) {
    this.cacheDiscovery = cacheDiscovery
    this.saved = {}
  }
  get redirectUrl() {
    return REDIRECT_URI
  }
  get clientMetadata() {
    return {
      client_name: 'bench',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }
  state() {
    return crypto.randomUUID()
  }
  clientInformation() {
    return this.saved.client
  }
  saveClientInformation(client) {
    this.saved.client = client
  }
  tokens() {
    return this.saved.tokens
  }
  saveTokens(tokens) {
    this.saved.tokens = tokens
  }
  redirectToAuthorization(url) {
    this.authorizationUrl = url.href
  }
  saveCodeVerifier(verifier) {
    this.saved.verifier = verifier
  }
  codeVerifier() {
    return this.saved.verifier
  }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'tokens') delete this.saved.tokens
    if (scope === 'all' || scope === 'discovery') delete this.saved.discovery
    if (scope === 'all' || scope === 'client') delete this.saved.client
  }
}

/**
 * The official SDK's `auth()` for the same three phases. A first authorization is the app's
 * unauthenticated MCP request (the 401 and its challenge), `auth()` up to the redirect, the
 * authorization request, and `auth()` with the code. The SDK refreshes whenever it holds a
 * refresh token, which never adds a scope, so a re-authorization and a step-up drop the tokens
 * first. `cacheDiscovery` implements the provider's discovery state methods.
 * @param {{ layout: 'friendly' | 'fallback', delay?: number, cacheDiscovery?: boolean }} options
 */
export async function measureSdk({ layout, delay = 0, cacheDiscovery = false }) {
  const bench = await startBenchServer({ layout, delay })
  try {
    const counter = countingFetch()
    const provider = new MemoryProvider(cacheDiscovery)
    if (cacheDiscovery) {
      provider.discoveryState = () => provider.saved.discovery
      provider.saveDiscoveryState = (state) => {
        provider.saved.discovery = state
      }
    }
    let resourceMetadataUrl
    const authorize = async (scope) => {
      const options = {
        serverUrl: bench.resource,
        fetchFn: counter.fetch,
        ...(scope ? { scope } : {}),
        ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}),
      }
      if ((await sdkAuth(provider, options)) !== 'REDIRECT') throw new Error('Expected a redirect')
      const callback = new URL(await authorizationRequest(counter.fetch, provider.authorizationUrl))
      const authorizationCode = callback.searchParams.get('code') ?? ''
      if ((await sdkAuth(provider, { ...options, authorizationCode })) !== 'AUTHORIZED') {
        throw new Error('Expected tokens')
      }
    }

    counter.reset()
    const probe = await counter.fetch(bench.resource, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    })
    await probe.body?.cancel()
    const challenge = extractWWWAuthenticateParams(probe)
    resourceMetadataUrl = challenge.resourceMetadataUrl
    await authorize(challenge.scope)
    const first = counter.phase()

    provider.invalidateCredentials('tokens')
    counter.reset()
    await authorize(challenge.scope)
    const again = counter.phase()

    const refused = await fetch(bench.resource, {
      ...adminCall,
      headers: {
        ...adminCall.headers,
        authorization: `Bearer ${provider.saved.tokens.access_token}`,
      },
    })
    await refused.body?.cancel()
    const stepUpChallenge = extractWWWAuthenticateParams(refused)
    if (refused.status !== 403 || stepUpChallenge.error !== 'insufficient_scope') {
      throw new Error(`Expected a step-up, got ${refused.status}`)
    }
    provider.invalidateCredentials('tokens')
    counter.reset()
    await authorize(stepUpChallenge.scope)
    const stepUp = counter.phase()
    return { first, again, stepUp }
  } finally {
    await bench.close()
  }
}

/**
 * `servers` servers on one issuer, probed at once by one auth instance, then as many others:
 * the first batch shares one authorization server discovery, the second uses the metadata
 * document kept for the issuer (no request).
 * @param {{ layout: 'friendly' | 'fallback', delay?: number, servers?: number }} options
 */
export async function measureProbes({ layout, delay = 0, servers = 20 }) {
  const bench = await startBenchServer({ layout, delay })
  try {
    const counter = countingFetch()
    const auth = createMcpAuth({
      redirectUri: REDIRECT_URI,
      storage: memoryStorage(),
      fetch: counter.fetch,
      driver: () => Promise.reject(new Error('Probes never authorize')),
    })
    const batch = async (from) => {
      counter.reset()
      const snapshots = await Promise.all(
        Array.from({ length: servers }, (_, i) =>
          auth.server(`${bench.resource}/${from + i}`).probe(),
        ),
      )
      const wrong = snapshots.find((s) => s.status !== 'needs-authorization')
      if (wrong) throw new Error(`A probe ended in ${wrong.status}: ${wrong.error?.message}`)
      return counter.phase()
    }
    const first = await batch(1)
    const next = await batch(servers + 1)
    return { first, next }
  } finally {
    await bench.close()
  }
}
